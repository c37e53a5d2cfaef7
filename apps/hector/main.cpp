#include "hector/app/main.hpp"

int main(int argc, char** argv) {
    return hector::app::main(argc, argv);
}
