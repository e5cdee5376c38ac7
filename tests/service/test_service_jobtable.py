"""The embedded job table on its own: coalescing, claiming one job per record at a time, and
recovery of jobs a dead service left running."""

from __future__ import annotations

from verifier.service.jobs import JobResult
from verifier.service.local_queue import JobTable, describe_exit


def test_queued_jobs_of_one_record_and_stage_coalesce(tmp_path):
    t = JobTable(tmp_path)
    a = t.submit("E1", "pre-transaction", None)
    assert t.submit("E1", "pre-transaction", None).id == a.id
    assert t.submit("E1", "shipment", None).id != a.id
    assert t.submit("E2", "pre-transaction", None).id != a.id


def test_one_running_job_per_record(tmp_path):
    t = JobTable(tmp_path)
    a = t.submit("E1", "pre-transaction", None)
    b = t.submit("E1", "shipment", None)
    c = t.submit("E2", "pre-transaction", None)
    assert t.claim("boot", 1).id == a.id
    assert t.claim("boot", 2).id == c.id  # b waits: E1 has a job running
    assert t.claim("boot", 3) is None
    assert t.finish(a.id, 1, JobResult(outcome="unchanged"))
    assert t.claim("boot", 1).id == b.id
    assert t.get(a.id).state == "done"


def test_restart_requeues_running_jobs_then_gives_up(tmp_path):
    t = JobTable(tmp_path)
    a = t.submit("E1", "pre-transaction", None)
    for run in range(1, 4):
        assert t.claim(f"boot{run}", 1).id == a.id
        assert t.get(a.id).attempts == run
        requeued, failed = t.recover(f"boot{run + 1}", max_attempts=3)
        if run < 3:
            assert (requeued, failed) == (1, 0)
            assert t.get(a.id).state == "queued"
        else:
            assert (requeued, failed) == (0, 1)
    job = t.get(a.id)
    assert job.state == "failed" and "restart" in job.error
    # a stale writer of an earlier run cannot overwrite the outcome
    assert not t.finish(a.id, 1, JobResult(outcome="sealed"))


def test_exit_descriptions():
    assert describe_exit(-9) == "the job process was killed by SIGKILL"
    assert describe_exit(-11) == "the job process was killed by SIGSEGV"
    assert describe_exit(3) == "the job process exited with status 3"
