#include <catch2/catch.hpp>
#include <thread>

#include "live/mailbox.hpp"
#include "live/seqlock.hpp"
#include "live/spsc_queue.hpp"

using namespace pneuma::app;

TEST_CASE("spsc queue: two threads pass a sequence in order, full queue counts drops", "[app]") {
  SpscQueue<int> q(1024);
  constexpr int kCount = 200000;
  std::thread producer([&] {
    for (int i = 0; i < kCount;)
      if (q.try_push(i)) ++i;
  });
  int expected = 0;
  bool in_order = true;
  while (expected < kCount) q.drain([&](int v) { in_order = in_order && v == expected++; });
  producer.join();
  CHECK(in_order);

  SpscQueue<int> small(4);
  int pushed = 0;
  for (int i = 0; i < 10; ++i) pushed += small.try_push(i) ? 1 : 0;
  CHECK(pushed == 4);
  CHECK(small.dropped() == 6);
}

TEST_CASE("mailbox: the reader always gets the newest complete value", "[app]") {
  struct Pair { long a, b; };
  Mailbox<Pair> box;
  Pair out{};
  CHECK_FALSE(box.read(out));
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (long i = 1; i <= 100000; ++i) box.publish({i, -i});
    done = true;
  });
  bool torn = false;
  long last = 0;
  bool monotonic = true;
  while (!done.load()) {
    if (box.read(out)) {
      torn = torn || out.a != -out.b;
      monotonic = monotonic && out.a >= last;
      last = out.a;
    }
  }
  writer.join();
  box.read(out);
  CHECK_FALSE(torn);
  CHECK(monotonic);
  CHECK(out.a == 100000);
}

TEST_CASE("seqlock: readers never see a half-written value", "[app]") {
  struct Triple { double a, b, c; };
  SeqLock<Triple> lock({0, 0, 0});
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < 100000; ++i) lock.store({1.0 * i, 2.0 * i, 3.0 * i});
    done = true;
  });
  bool torn = false;
  while (!done.load()) {
    const Triple t = lock.load();
    torn = torn || t.b != 2 * t.a || t.c != 3 * t.a;
  }
  writer.join();
  CHECK_FALSE(torn);
}

TEST_CASE("seqlock: two writers taking turns never leave a torn value", "[app]") {
  struct Triple { double a, b, c; };
  SeqLock<Triple> lock({0, 0, 0});
  std::atomic<int> done{0};
  auto writer = [&](double sign) {
    for (int i = 0; i < 50000; ++i) lock.store({sign * i, sign * 2.0 * i, sign * 3.0 * i});
    done.fetch_add(1);
  };
  std::thread w1(writer, 1.0), w2(writer, -1.0);
  bool torn = false;
  while (done.load() < 2) {
    const Triple t = lock.load();
    torn = torn || t.b != 2 * t.a || t.c != 3 * t.a;
  }
  w1.join();
  w2.join();
  const Triple last = lock.load();
  CHECK_FALSE(torn);
  CHECK(last.b == 2 * last.a);
}
