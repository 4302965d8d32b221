"""The archive on disk: where it is, the listing of its files, and one file read into one
event or the problems that kept it out.  Only ever reads; knows nothing of the index."""
