"""Schedules: the recurring and catalyst analyses of a ticker.

- `editing`: creating, changing and deleting schedules, and the checks of their input (the
  API and the schedules page both go through it);
- `scheduler`: which runs are due and starting each once (Celery beat's tick,
  `calibration.tasks.tick`, enqueues what it started), and running one (a worker's task);
- `serializers`: the shapes of schedules, their runs and macro events (API and page).
"""
