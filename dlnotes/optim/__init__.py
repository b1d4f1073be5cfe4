"""Chapter 7, optimization algorithms: every update rule from scratch, checked step for
step against ``torch.optim``; learning-rate schedules; test functions and trajectories."""
