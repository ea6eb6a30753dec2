"""Redis stopped or hung while jobs wait: the jobs pages and the jobs API still answer, showing each job as
last saved and saying that live progress is unavailable; /readyz names Redis."""

import time

import pytest

from tests.conftest import login


def _read_everything(client, palopo, run_id, headers) -> dict:
    base = "/t/kota-palopo/jobs"
    return {
        "list": client.get(base),
        "page": client.get(f"{base}/{run_id}"),
        "fragment": client.get(f"{base}/{run_id}/progress"),
        "api list": client.get("/api/v1/t/kota-palopo/jobs", headers=headers),
        "api item": client.get(f"/api/v1/t/kota-palopo/jobs/{run_id}", headers=headers),
    }


@pytest.mark.parametrize("outage", ["stopped", "hung"])
def test_jobs_pages_and_api_answer_while_redis_is_down(palopo, on_own_redis, own_redis, client, outage):
    headers = palopo.token()
    login(client, "admin@kota-palopo.demo")
    run_id = palopo.start("test_steps", steps=2, delay=0)  # queued in Redis; no worker takes it
    own_redis.stop() if outage == "stopped" else own_redis.hang()

    started = time.monotonic()
    answers = _read_everything(client, palopo, run_id, headers)
    took = time.monotonic() - started

    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(answers, 200)
    assert answers["api item"].json["status"] == "queued"
    assert answers["api list"].json[0]["id"] == str(run_id)
    assert "Live progress is unavailable" in answers["list"].get_data(as_text=True)
    for name in ("page", "fragment"):
        assert "Live progress is unavailable" in answers[name].get_data(as_text=True)
    # A hung Redis costs each read a bounded wait (2 s), never a hang.
    assert took < 5 * 2.5

    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json["checks"]["redis"].startswith("error")
    assert ready.json["checks"]["database"] == "ok"
