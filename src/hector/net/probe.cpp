#include "hector/net/probe.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

namespace hector::net {

bool tcp_reachable(const std::string& host, const std::string& port, std::chrono::milliseconds timeout) {
    namespace asio = boost::asio;
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    asio::ip::tcp::socket socket(io);
    asio::steady_timer timer(io, timeout);
    bool connected = false;
    resolver.async_resolve(host, port, [&](boost::system::error_code ec, asio::ip::tcp::resolver::results_type r) {
        if (ec) {
            timer.cancel();
            return;
        }
        asio::async_connect(socket, r, [&](boost::system::error_code ec2, const asio::ip::tcp::endpoint&) {
            connected = !ec2;
            timer.cancel();
        });
    });
    timer.async_wait([&](boost::system::error_code ec) {
        if (!ec) {
            resolver.cancel();
            boost::system::error_code ignored;
            socket.close(ignored);
        }
    });
    io.run();
    return connected;
}

}  // namespace hector::net
