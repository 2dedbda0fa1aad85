"""Static-site generator for the HTTP status code reference."""
