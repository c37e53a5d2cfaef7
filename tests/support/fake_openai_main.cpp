// A standalone fake OpenAI server for tests driven from outside C++ (the @a2a-js interop test) and for load tests:
// prints "listening on http://127.0.0.1:<port>" and serves until SIGTERM or SIGINT.
// Replies "fake: <text>"; a message starting with "slow" streams 20 chunks 50 ms apart; one starting with "hang"
// never answers (the request stays open until the client gives up); one starting with "wait<N>" answers after N ms
// (a model of known latency, for measuring what the server adds to it); one starting with "many<N>" streams N
// chunks (at most 10,000) at once (what a long answer costs per token); "paced<N>" streams N chunks 1 ms apart
// (tokens as a fast model sends them, each in a read of its own).
#include <signal.h>
#include <algorithm>

#include <cstdlib>
#include <iostream>
#include <string>

#include "support/fake_openai.hpp"

int main() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);  // before any thread starts, so only sigwait sees them
    hector::test::FakeOpenAi fake;
    fake.set_default([](const std::string& text) {
        hector::test::FakeOpenAi::Reply r;
        r.text = "fake: " + text;
        if (text.rfind("hang", 0) == 0) r.hang = true;
        if (text.rfind("wait", 0) == 0) r.delay = std::chrono::milliseconds(std::atoi(text.c_str() + 4));
        if (text.rfind("many", 0) == 0)
            r = hector::test::FakeOpenAi::Reply::chunked(std::clamp(std::atoi(text.c_str() + 4), 1, 10000));
        if (text.rfind("paced", 0) == 0) {
            r = hector::test::FakeOpenAi::Reply::chunked(std::clamp(std::atoi(text.c_str() + 5), 1, 10000));
            r.chunk_delay = std::chrono::milliseconds(1);
        }
        if (text.rfind("slow", 0) == 0) {
            r.text.clear();
            for (int i = 0; i < 20; ++i) {
                r.chunks.push_back("tick" + std::to_string(i) + " ");
                r.text += r.chunks.back();
            }
            r.chunk_delay = std::chrono::milliseconds(50);
        }
        return r;
    });
    std::cout << "listening on http://127.0.0.1:" << fake.port() << std::endl;
    int sig = 0;
    sigwait(&set, &sig);
    return 0;
}
