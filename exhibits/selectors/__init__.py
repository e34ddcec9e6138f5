"""Reads of the exhibition hall, each doing its own joins: ``access`` (whose halls a user
curates or submits to), ``public`` (the hall and project pages), ``area`` (the holders' and
curators' pages) and ``totals`` (the figures for the office and curators)."""
