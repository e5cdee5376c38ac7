"""``GET /metrics`` (admin): Prometheus text exposition through ``prometheus_client``.

Request and upload counters live in this process (each replica is scraped on its own); job
figures — jobs by state, job durations, pages read — are collected at scrape time from the
queue backend, which sees the jobs of every worker (the SQLite table, or Redis).
"""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

disable_created_metrics()  # no *_created series: they only add noise to a scrape


class _JobCollector:
    def __init__(self, jobs) -> None:
        self.jobs = jobs

    def collect(self):
        stats = self.jobs.stats()
        g = GaugeMetricFamily("verifier_jobs", "Jobs by state", labels=["state"])
        for state, n in sorted(stats.by_state.items()):
            g.add_metric([state], n)
        yield g
        buckets = [(f"{b:g}", n) for b, n in stats.duration_buckets]
        buckets.append(("+Inf", stats.duration_count))
        yield HistogramMetricFamily(
            "verifier_job_duration_seconds", "Run time of finished jobs",
            buckets=buckets, sum_value=stats.duration_sum,
        )
        yield CounterMetricFamily("verifier_pages_read", "Pages read by finished jobs",
                                  value=stats.pages)
        yield CounterMetricFamily("verifier_ocr_pages_read", "Pages read by OCR",
                                  value=stats.ocr_pages)


class ServiceMetrics:
    def __init__(self, jobs) -> None:
        self.registry = CollectorRegistry()
        self.files = Counter(
            "verifier_uploaded_files", "Files received, by whether they were new to the record",
            ["new"], registry=self.registry,
        )
        self.upload_bytes = Counter(
            "verifier_uploaded_bytes", "Bytes of files received", registry=self.registry
        )
        self.requests = Histogram(
            "verifier_http_request_duration_seconds", "Answer time by route and status",
            ["route", "method", "status"], registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
        )
        self.registry.register(_JobCollector(jobs))

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(route, method, str(status)).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
