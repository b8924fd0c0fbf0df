"""Thin routers: validate, call one function, shape the response."""
