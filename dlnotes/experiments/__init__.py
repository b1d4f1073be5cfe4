"""Small, repeatable experiments whose results the site shows (each runnable with ``-m``)."""
