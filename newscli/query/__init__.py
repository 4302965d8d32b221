"""One module per question: a query value in, a result (model/results.py) out.  Queries read
the index; they never print, and never know which format their result is printed in."""
