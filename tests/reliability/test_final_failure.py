"""A job that has failed for the last time says so: its message never promises another attempt."""

from tests.conftest import login
from tests.support.waiting import wait_for


def test_a_final_failure_on_a_worker_does_not_say_it_is_retrying(palopo, on_worker, client):
    run_id = palopo.start("test_steps_retry", steps=2, delay=0, fail_at=1, locale="en")

    def ended():
        return palopo.job(run_id)[0] == "failed"

    wait_for(ended, timeout=30, what="the last attempt to fail")
    login(client, "admin@kota-palopo.demo")
    headers = palopo.token()
    answer = client.get(f"/api/v1/t/kota-palopo/jobs/{run_id}", headers=headers).json
    assert (answer["status"], answer["attempts"]) == ("failed", 2)
    assert answer["message"] == "Failed after 2 attempts."
    page = client.get(f"/t/kota-palopo/jobs/{run_id}").get_data(as_text=True)
    assert "trying again" not in page and "Failed after 2 attempts." in page
