"""HTTP: pages for people, a JSON API for the console and for scripts."""
