"""Printing a result: one sink per format (table.py, rows.py, json.py, csv.py) that the
queries never know about, chosen by render.py; the terminal (terminal.py) is one object
tests can replace.  Archive text reaches the screen only through escape.py."""
