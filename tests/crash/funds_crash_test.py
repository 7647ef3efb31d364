#!/usr/bin/env python3
"""Crash test of disbursement (issue 4 §5): kill -9 `zhida serve` at random moments during
N payment orders against a fake bank whose treasury link sometimes times out *after* taking a
batch; after restart and reconciliation no voucher is paid twice or lost, the ledger's paid total
equals the bank's, and `zhida ledger verify` passes.

    funds_crash_test.py ZHIDA [--orders 10000] [--seed S] [--timeout-percent 20] [--plant-resend]

The store is a SQLite file in a temp dir, or — when ZHIDA_TEST_PG is set (tests/pg/with_pg.sh) —
the private PostgreSQL server: the server is killed, the database keeps running.

The bank lives here, outside the server, so that it survives the kills: it takes the batch files
the server writes into its outbox (services::OutboxTreasury), pays each voucher (accounts ending
in 99 fail), counts a voucher it is asked to pay twice, and answers with return files that this
script uploads. The server's fault injection (ZHIDA_TREASURY_FAULT_TIMEOUT_PERCENT) makes it
answer `unknown` for some batches it did hand over. At the end the bank states, for vouchers it
never received, "失败：未收到" — the bank is the authority on what it paid.

--plant-resend is the negative control: the client re-sends every batch that came back unknown
(the bug the design forbids); the run must then fail on vouchers paid twice. The control runs
with --timeout-percent 100, so that it has unknown batches to re-send whatever the seed.
Prints the seed; exits 0 when every check passed, 1 otherwise.
"""
import argparse
import csv
import hashlib
import http.client
import io
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

PASSWORD = "crash-pass-123"
USCC = "91350581133456810F"


class Server:
    """One `zhida serve` process that can be killed and restarted."""

    def __init__(self, zhida, work, seed, timeout_percent):
        self.zhida, self.work, self.seed = zhida, work, seed
        self.timeout_percent = timeout_percent
        self.proc, self.port, self.lock = None, None, threading.Lock()
        self.restarts = 0

    def start(self):
        port_file = os.path.join(self.work, "port")
        if os.path.exists(port_file):
            os.remove(port_file)
        env = dict(os.environ, ZHIDA_TREASURY_OUTBOX=os.path.join(self.work, "outbox"),
                   ZHIDA_TREASURY_FAULT_TIMEOUT_PERCENT=str(self.timeout_percent),
                   ZHIDA_TREASURY_FAULT_SEED=str(self.seed + self.restarts))
        log = open(os.path.join(self.work, "serve.log"), "ab")
        self.proc = subprocess.Popen([self.zhida, "serve", "--db", self.db(), "--port", "0",
                                      "--port-file", port_file, "--threads", "4",
                                      "--log-level", "warn"], env=env, stdout=log, stderr=log)
        for _ in range(600):
            if os.path.exists(port_file):
                with open(port_file) as f:
                    self.port = int(f.read().strip())
                return
            time.sleep(0.02)
        raise RuntimeError("server did not start")

    def kill(self):
        with self.lock:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
            self.restarts += 1
            self.start()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait()

    def db(self):
        return database(self.work)


class Client:
    """JSON over HTTP; retries through kills (every call it makes is idempotent or checked)."""

    def __init__(self, server):
        self.server, self.cookie = server, ""

    def call(self, method, path, body=None, content_type="application/json", raw=False):
        for attempt in range(400):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
                headers = {"Cookie": "zhida_session=" + self.cookie} if self.cookie else {}
                data = None
                if body is not None:
                    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
                    headers["Content-Type"] = content_type
                conn.request(method, path, body=data, headers=headers)
                resp = conn.getresponse()
                payload = resp.read()
                conn.close()
                if resp.status >= 500:
                    raise ConnectionError("HTTP %d" % resp.status)
                return resp.status, (payload if raw else json.loads(payload))
            except (OSError, ConnectionError, http.client.HTTPException, ValueError):
                time.sleep(0.05)  # the server is being killed or restarted
        raise RuntimeError("no answer for %s %s" % (method, path))

    def ok(self, method, path, body=None, **kw):
        status, out = self.call(method, path, body, **kw)
        if status != 200:
            raise RuntimeError("%s %s → %d %s" % (method, path, status, out))
        return out

    def login(self, username):
        conn_status, _ = None, None
        for _ in range(400):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
                conn.request("POST", "/api/v1/auth/login",
                             body=json.dumps({"username": username, "password": PASSWORD}),
                             headers={"Content-Type": "application/json"})
                resp = conn.getresponse()
                resp.read()
                cookie = resp.getheader("Set-Cookie") or ""
                conn.close()
                if resp.status == 200:
                    self.cookie = cookie.split("=", 1)[1].split(";", 1)[0]
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("login failed")


class Bank:
    """The agent bank: pays the batch files it finds, never forgets what it paid."""

    def __init__(self, outbox, plant_resend):
        self.outbox, self.plant_resend = outbox, plant_resend
        self.seen_files, self.requests = set(), {}  # voucher → times asked to pay
        self.paid, self.failed = {}, {}  # voucher → fen
        self.pending_lines = []

    def take_files(self):
        if not os.path.isdir(self.outbox):
            return
        for name in sorted(os.listdir(self.outbox)):
            if not name.endswith(".csv") or name in self.seen_files:
                continue
            self.seen_files.add(name)
            with open(os.path.join(self.outbox, name), encoding="utf-8-sig") as f:
                rows = list(csv.reader(f))
            for row in rows[1:]:
                if row[0] in ("合计", "SHA-256"):
                    continue
                voucher, account, amount = row[0], row[4], row[5]
                fen = int(amount.replace(".", ""))
                self.requests[voucher] = self.requests.get(voucher, 0) + 1
                if self.requests[voucher] > 1:
                    continue  # a real bank refuses a voucher it has seen; we only count it
                if account.endswith("99"):
                    self.failed[voucher] = fen
                    self.pending_lines.append([voucher, "失败", amount, "", "", "账户已销户"])
                else:
                    self.paid[voucher] = fen
                    self.pending_lines.append([voucher, "成功", amount, "S" + voucher,
                                               "2026-11-30T10:00:00+08:00", ""])

    def return_file(self, extra=()):
        lines = self.pending_lines + list(extra)
        self.pending_lines = []
        if not lines:
            return None
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["凭证号", "状态", "金额", "银行流水号", "处理时间", "失败原因"])
        writer.writerows(lines)
        return out.getvalue().encode("utf-8")

    def duplicates(self):
        return sorted(v for v, n in self.requests.items() if n > 1)


def database(work):
    """The --db of every command: the private PostgreSQL when given, else a SQLite file."""
    return os.environ.get("ZHIDA_TEST_PG") or os.path.join(work, "zhida.db")


def query(db, sql):
    """The rows of `sql` on the store, read directly (the server is stopped by then)."""
    if not db.startswith("postgres"):
        con = sqlite3.connect(db)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()
    out = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-F", "\t", db, "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    return [tuple(line.split("\t")) for line in out.splitlines() if line]


def setup(zhida, work):
    db = database(work)
    subprocess.run([zhida, "migrate", "--db", db], check=True, stdout=subprocess.DEVNULL)
    for user in ("finance", "finance2"):
        subprocess.run([zhida, "user", "add", "--db", db, "--username", user, "--name", user,
                        "--kind", "staff", "--password", PASSWORD,
                        "--role", "finance@350500/350500.czj"], check=True,
                       stdout=subprocess.DEVNULL)


def seed_funds(maker, checker):
    maker.ok("POST", "/api/v1/funds", {"fund": "CRASH", "fiscal_year": 2026, "name": "崩溃测试资金",
                                       "amount": "100000000.00"})
    r = maker.ok("POST", "/api/v1/funds/CRASH/2026/requests",
                 {"kind": "allocate", "to": "350500.kjj", "amount": "60000000.00",
                  "reason": "预下达"})
    assert checker.ok("POST", "/api/v1/fund-requests/%d/approve" % r["id"], {})["status"] == \
        "approved"
    res = maker.ok("POST", "/api/v1/funds/CRASH/2026/reservations",
                   {"plan_id": "P-CRASH", "reason": "崩溃测试",
                    "shares": [{"quota": "350500.kjj", "amount": "50000000.00"}]})
    maker.ok("POST", "/api/v1/reservations/%d/confirm" % res["id"], {})


def send_ready(client, plant_resend, work):
    """Sends every ready batch; with the planted bug, re-sends the unknown ones too."""
    batches = client.ok("GET", "/api/v1/funds/CRASH/2026/payment-batches")["items"]
    for b in batches:
        if b["status"] == "ready":
            status, out = client.call("POST", "/api/v1/payment-batches/%d/send" % b["id"], {})
            if status not in (200, 409):
                raise RuntimeError("send: %d %s" % (status, out))
        elif b["status"] == "unknown" and plant_resend:
            # The bug: hand the same file over again under a new name.
            _, csv_bytes = client.call("GET", "/api/v1/payment-batches/%d/file" % b["id"],
                                       raw=True)
            path = os.path.join(work, "outbox", "resend-%d.csv" % b["id"])
            if not os.path.exists(path):
                with open(path, "wb") as f:
                    f.write(csv_bytes)


def upload(client, data):
    if data:
        client.ok("POST", "/api/v1/return-files?file_name=crash.csv", data,
                  content_type="text/csv")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("zhida")
    ap.add_argument("--orders", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=int(time.time()) % 100000)
    ap.add_argument("--plant-resend", action="store_true")
    ap.add_argument("--timeout-percent", type=int, default=20,
                    help="batches the treasury takes but answers with a time-out")
    args = ap.parse_args()
    print("seed %d, orders %d, store %s%s" % (
        args.seed, args.orders, "postgresql" if os.environ.get("ZHIDA_TEST_PG") else "sqlite",
        ", planted bug: re-send unknown batches" if args.plant_resend else ""), flush=True)
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="zhida-crash-")
    server = Server(args.zhida, work, args.seed, args.timeout_percent)
    try:
        setup(args.zhida, work)
        server.start()
        maker, checker = Client(server), Client(server)
        maker.login("finance")
        checker.login("finance2")
        seed_funds(maker, checker)
        bank = Bank(os.path.join(work, "outbox"), args.plant_resend)

        stop = threading.Event()

        def killer():
            while not stop.wait(rng.uniform(0.3, 2.0)):
                server.kill()

        thread = threading.Thread(target=killer)
        thread.start()
        created = {}
        for i in range(args.orders):
            voucher = "C%06d" % i
            fen = rng.randint(100, 100000)
            account = "62220200%06d%s" % (i, "99" if rng.random() < 0.02 else "01")
            status, out = maker.call("POST", "/api/v1/payment-orders", {
                "voucher": voucher, "plan_id": "P-CRASH", "payee_uscc": USCC,
                "payee_name": "崩溃测试企业", "bank_name": "测试银行", "bank_account": account,
                "amount": "%d.%02d" % (fen // 100, fen % 100), "policy_id": 1,
                "policy_version": 1, "memo": "崩溃测试"})
            if status != 200 or out["status"] == "refused":
                raise RuntimeError("order %s: %d %s" % (voucher, status, out))
            created[voucher] = fen
            if i % 200 == 199 or i == args.orders - 1:
                status, out = maker.call("POST", "/api/v1/funds/CRASH/2026/payment-batches", {})
                if status not in (200, 409):
                    raise RuntimeError("batch: %d %s" % (status, out))
                send_ready(maker, args.plant_resend, work)
                bank.take_files()
                upload(maker, bank.return_file())
        stop.set()
        thread.join()
        # Quiet now: hand over what is left, let the bank answer, then its statement of what it
        # never received settles every order still unknown.
        maker.call("POST", "/api/v1/funds/CRASH/2026/payment-batches", {})
        send_ready(maker, args.plant_resend, work)
        bank.take_files()
        upload(maker, bank.return_file())
        while True:
            unknown = maker.ok("GET", "/api/v1/funds/CRASH/2026/payment-orders?status=unknown"
                               "&limit=500")["items"]
            sent = maker.ok("GET", "/api/v1/funds/CRASH/2026/payment-orders?status=sent"
                            "&limit=500")["items"]
            waiting = [o for o in unknown + sent if o["voucher"] not in bank.requests]
            if not waiting:
                break
            upload(maker, bank.return_file([[o["voucher"], "失败", o["amount"], "", "",
                                             "未收到该凭证"] for o in waiting]))
            for o in waiting:
                bank.requests[o["voucher"]] = 0  # stated as not received
        recon = maker.ok("GET", "/api/v1/funds/CRASH/2026/reconciliation")
        server.stop()

        failures = []
        dups = bank.duplicates()
        if dups:
            failures.append("%d vouchers paid twice, e.g. %s" % (len(dups), dups[:3]))
        orders = dict(query(server.db(), "SELECT voucher, status FROM payment_orders"))
        lost = [v for v in created if v not in orders]
        if lost:
            failures.append("%d accepted orders lost, e.g. %s" % (len(lost), lost[:3]))
        stuck = [v for v, s in orders.items() if s not in ("paid", "failed")]
        if stuck:
            failures.append("%d orders unsettled, e.g. %s" % (len(stuck), stuck[:3]))
        wrong = [v for v, s in orders.items()
                 if (s == "paid") != (v in bank.paid)]
        if wrong:
            failures.append("%d orders whose status disagrees with the bank, e.g. %s" %
                            (len(wrong), wrong[:3]))
        bank_fen = sum(bank.paid.values())
        ledger_fen = int(recon["ledger_paid"].replace(".", ""))
        if ledger_fen != bank_fen:
            failures.append("ledger paid %d fen, bank paid %d fen" % (ledger_fen, bank_fen))
        kinds = sorted({e["kind"] for e in recon["exceptions"]} - {"unknown_batch"})
        if kinds:
            failures.append("reconciliation exceptions: %s" % kinds)
        verify = subprocess.run([args.zhida, "ledger", "verify", "--db", server.db()],
                                capture_output=True, text=True)
        if verify.returncode != 0:
            failures.append("ledger verify: " + verify.stderr.strip())
        print("kills %d; orders %d (paid %d, failed %d); bank paid %.2f yuan in %d vouchers; "
              "%s" % (server.restarts, len(orders), len(bank.paid),
                      sum(1 for s in orders.values() if s == "failed"), bank_fen / 100,
                      len(bank.paid), verify.stdout.strip()), flush=True)
        for f in failures:
            print("FAIL: " + f, flush=True)
        print("%d passed, %d failed" % (0 if failures else 1, 1 if failures else 0))
        return 1 if failures else 0
    finally:
        if server.proc and server.proc.poll() is None:
            server.proc.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
