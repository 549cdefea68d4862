from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Generated data at three sizes, and the benchmarks that measure the system with it."""

    name = "bench"
