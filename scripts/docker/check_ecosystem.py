#!/usr/bin/env python3
"""The compose ecosystem, checked for real (scripts/docker-test.sh runs this once the images exist).

1. `up -d`: every service healthy; the time it took.
2. The compose file configures each service as `aa init`'s <folder>.env says (plus its database).
3. The walkthrough (`run --rm walkthrough`): the story and table of `aa demo`, its time; the FIU
   holds decrypted data from both FIPs; the AA's database holds none of it.
4. A container restarted mid-flow: FIP-2 is stopped while a second consent is approved and its
   data requested, started again a few seconds later; the flow completes with both banks' data.
5. `down` and `up` again (containers recreated, volumes kept): both loops' data is still there.
6. `down -v`: no volume of the project is left.
Exits non-zero with the reason on the first failure; `down -v` runs in any case.
"""

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request

PROJECT = "aa-docker-test"
HOST = "http://127.0.0.1"
AA, FIP2, FIU = f"{HOST}:7001", f"{HOST}:7003", f"{HOST}:7004"
FIU_TOKEN = "demo-fiu-app-token"
CUSTOMER = "9999999999@AA-1"
SERVICES = ["aa", "fip-1", "fip-2", "fiu"]
# What each service's .env file (written by `aa init` in the init container) is named.
ENV_FILES = {
    "aa": "aa-service.env",
    "fip-1": "fip-service-FIP-1.env",
    "fip-2": "fip-service-FIP-2.env",
    "fiu": "fiu-service.env",
}


def fail(message):
    raise SystemExit(f"docker-test: FAILED: {message}")


def compose(*args, capture=True, check=True):
    cmd = ["docker-compose", "-p", PROJECT, *args]
    done = subprocess.run(cmd, capture_output=capture, text=True)
    if check and done.returncode != 0:
        fail(f"{' '.join(cmd)} exited {done.returncode}\n{done.stdout or ''}{done.stderr or ''}")
    return done


def http(method, url, token=None, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        fail(f"{method} {url}: {error.code} {error.read()[:300]!r}")


def until(what, limit, probe):
    deadline = time.monotonic() + limit
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            fail(f"gave up waiting for {what} after {limit} s")
        time.sleep(0.25)


def healthy():
    def probe():
        for service in SERVICES:
            cid = compose("ps", "-q", service).stdout.strip()
            if not cid:
                return False
            state = subprocess.run(
                ["docker", "inspect", "-f", "{{.State.Health.Status}}", cid],
                capture_output=True, text=True).stdout.strip()
            if state != "healthy":
                return False
        return True
    until("every service to be healthy", 180, probe)


def up():
    started = time.monotonic()
    compose("up", "-d", "--no-build")
    healthy()
    return time.monotonic() - started


def env_agrees():
    """Each service's environment in the compose file holds every setting of its .env file."""
    config = json.loads(subprocess.run(
        ["python3", "-c", "import json,sys,yaml; print(json.dumps(yaml.safe_load(sys.stdin)))"],
        input=compose("config").stdout, capture_output=True, text=True, check=True).stdout)
    for service, file in ENV_FILES.items():
        text = compose("exec", "-T", service, "cat", f"/ecosystem/{file}").stdout
        wanted = dict(l.split("=", 1) for l in text.splitlines() if l and not l.startswith("#"))
        have = {k: str(v) for k, v in config["services"][service]["environment"].items()}
        wrong = {k: (v, have.get(k)) for k, v in wanted.items() if have.get(k) != v}
        if wrong:
            fail(f"{service}: docker-compose.yml disagrees with aa init's {file}: {wrong}")


def data_request(handle):
    listed = http("GET", f"{FIU}/app/consents/{handle}/data-requests", FIU_TOKEN)
    return http("GET", f"{FIU}/app/data-requests/{listed['dataRequests'][0]['requestId']}", FIU_TOKEN)


def decrypted(request):
    """The decrypted values of a COMPLETED data request; fails unless both FIPs sent data."""
    if request.get("status") != "COMPLETED":
        fail(f"data request not COMPLETED: {json.dumps(request)[:500]}")
    values, banks = set(), set()
    for fip in request["fips"]:
        for account in fip["accounts"]:
            data = account.get("data")
            if not isinstance(data, dict):
                continue
            banks.add(fip["fipId"])
            for txn in data.get("transactions", {}).get("transaction", []):
                values.update(v for v in (txn.get("narration"), txn.get("txnId")) if v and len(v) >= 8)
            balance = data.get("summary", {}).get("currentBalance")
            if balance:
                values.add(balance)
    if banks != {"FIP-1", "FIP-2"}:
        fail(f"decrypted data from {sorted(banks)}, not from both FIP-1 and FIP-2")
    return values


def walkthrough():
    started = time.monotonic()
    done = compose("run", "--rm", "-T", "walkthrough", check=False)
    took = time.monotonic() - started
    sys.stdout.write(done.stdout)
    if done.returncode != 0:
        fail(f"the walkthrough exited {done.returncode}\n{done.stderr}")
    handles = [l.rsplit("handle ", 1)[1].strip() for l in done.stdout.splitlines() if "): handle " in l]
    if len(handles) != 1:
        fail("the walkthrough named no consent handle")
    return handles[0], took


def aa_database_holds_none_of(values, handle):
    dump = compose("exec", "-T", "postgres", "pg_dump", "-U", "aa", "aa").stdout
    if handle not in dump:
        fail("the AA's dump does not even hold the consent handle: wrong database?")
    leaked = sorted(v for v in values if v in dump)
    if leaked:
        fail(f"the AA's database holds decrypted FI data: {leaked[:5]}")
    print(f"docker-test: the AA's database ({len(dump)} bytes) holds none of the "
          f"{len(values)} decrypted values the FIU holds")


def restart_mid_flow():
    """A second consent while FIP-2 is down: approved, requested, and completed once it is back."""
    otp_ref = http("POST", f"{AA}/customer/otp", body={"handle": CUSTOMER})["otpRef"]
    otp = http("GET", f"{AA}/sandbox/otp/{otp_ref}")["otp"]
    token = http("POST", f"{AA}/customer/session",
                 body={"handle": CUSTOMER, "otpRef": otp_ref, "otp": otp})["token"]
    linked = [a["linkRefNumber"] for a in http("GET", f"{AA}/customer/accounts", token)]
    compose("stop", "fip-2")
    handle = http("POST", f"{FIU}/app/consents", FIU_TOKEN,
                  {"customer": CUSTOMER, "template": "loan-underwriting"})["consentHandle"]
    until("the consent to be pending at the AA", 30, lambda: any(
        c["consentHandle"] == handle
        for c in http("GET", f"{AA}/customer/consents?status=PENDING", token)))
    http("POST", f"{AA}/customer/consents/{handle}/approve", token, {"accounts": linked})
    until("the FIU's data request", 60, lambda: http(
        "GET", f"{FIU}/app/consents/{handle}/data-requests", FIU_TOKEN)["dataRequests"])
    time.sleep(3)
    status = data_request(handle)["status"]
    if status == "COMPLETED":
        fail("the data request completed while FIP-2 was down")
    print(f"docker-test: FIP-2 stopped mid-flow; the data request waits ({status})")
    compose("start", "fip-2")
    started = time.monotonic()
    request = until("the data request to end after FIP-2 came back", 180, lambda: (
        lambda r: r if r["status"] in ("COMPLETED", "FAILED", "PARTIAL") else None)(data_request(handle)))
    decrypted(request)
    print(f"docker-test: FIP-2 started again; the flow completed {time.monotonic() - started:.1f} s later "
          "with both banks' data")
    return handle


def main():
    compose("down", "-v", "--remove-orphans", check=False)
    try:
        startup = up()
        print(f"docker-test: compose up, every service healthy in {startup:.1f} s")
        env_agrees()
        print("docker-test: docker-compose.yml configures each service as aa init's .env files say")
        handle, took = walkthrough()
        print(f"docker-test: walkthrough took {took:.1f} s (including `run` starting its container)")
        values = decrypted(data_request(handle))
        aa_database_holds_none_of(values, handle)
        second = restart_mid_flow()
        compose("down")
        again = up()
        for h in (handle, second):
            decrypted(data_request(h))
        print(f"docker-test: down and up again ({again:.1f} s): both loops' decrypted data is still there")
    except BaseException:
        for service in SERVICES:
            sys.stderr.write(compose("logs", "--tail=30", service, check=False).stdout)
        raise
    finally:
        compose("down", "-v", "--remove-orphans", check=False)
    left = subprocess.run(["docker", "volume", "ls", "-q", "--filter", f"name={PROJECT}_"],
                          capture_output=True, text=True).stdout.split()
    if left:
        fail(f"down -v left volumes: {left}")
    print("docker-test: down -v removed every volume")


if __name__ == "__main__":
    main()
