#include "hector/app/main.hpp"
#include "hector/app/malloc_tuning.hpp"

int main(int argc, char** argv) {
    hector::app::tune_malloc(argc, argv);  // may re-execute the binary once, before anything else runs
    return hector::app::main(argc, argv);
}
