"""CPU time and a cProfile of one staff page against the empty staff page, in-process.

    .venv/bin/python bench/profile_page.py --database-url postgres://postgres@127.0.0.1:5432/bench_triage \
        --user officer-0-0 --path '/dashboard/?q=speeltuin' --sort tottime

On a database `seed.py` filled (`triage_list.py --keep` leaves `bench_triage`): signs `--user`
in (two-step verification included, as `triage_list.py` does), asks the page and the empty staff
page (`bench/bare/views.py`) `--warmup` times each, then `--requests` times each, and prints the
wall and CPU time per request of both (`time.process_time()`: this process only, PostgreSQL's
work not counted, so the figure depends little on other processes). Then it profiles
`--requests` more requests of the page and prints the `--lines` biggest entries by `--sort`.
"""

import argparse
import cProfile
import pstats
import time

from common import setup_django, staff_login

EMPTY_PATH = "/bench/empty-staff-page/"


def per_request(client, path: str, requests: int) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(requests):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    return (time.perf_counter() - wall) * 1000 / requests, (time.process_time() - cpu) * 1000 / requests


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/bench_triage")
    parser.add_argument("--user", default="officer-0-0", help="a username; 'superuser' for the first superuser")
    parser.add_argument("--path", default="/dashboard/")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--sort", default="cumulative", help="a pstats sort key (cumulative, tottime, ncalls)")
    parser.add_argument("--lines", type=int, default=60)
    args = parser.parse_args(argv)
    setup_django(args.database_url)

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import override_settings

    users = get_user_model().objects
    user = users.filter(is_superuser=True).first() if args.user == "superuser" else users.get(username=args.user)
    client = Client()
    staff_login(client, user)
    with override_settings(ROOT_URLCONF="bench.bare.urls"):
        for path in (args.path, EMPTY_PATH):
            per_request(client, path, args.warmup)
        for path in (args.path, EMPTY_PATH):
            wall, cpu = per_request(client, path, args.requests)
            print(f"{path}: {wall:.2f} ms wall, {cpu:.2f} ms CPU per request ({args.requests} requests)")
        profile = cProfile.Profile()
        profile.enable()
        per_request(client, args.path, args.requests)
        profile.disable()
    stats = pstats.Stats(profile)
    print(f"{stats.total_calls / args.requests:,.0f} function calls per request (profiled)")
    stats.sort_stats(args.sort).print_stats(args.lines)


if __name__ == "__main__":
    main()
