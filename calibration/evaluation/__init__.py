"""Signal evaluation: does the score carry information about the returns that followed?

The maths (``ranks``, ``intervals``, ``scoring``, ``report``) are pure functions on numpy arrays,
with no Django import; ``selectors`` reads the outcomes and their analyses from the database
into those arrays. Keep this file free of imports so the maths import without Django.
"""
