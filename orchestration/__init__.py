"""Above the apps: what runs across them. `analysis` here is the one end-to-end analysis service
(`run_analysis`), which the entry points (API views, pages, Celery tasks, watchlist runs,
replay) call and none of the apps it orchestrates imports back."""
