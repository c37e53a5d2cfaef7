# hector_library(<subsystem> SOURCES ... [DEPS ...])
# One static library per subsystem, named hector_<subsystem>, with includes rooted at src/.
function(hector_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(hector_${name} STATIC ${ARG_SOURCES})
  target_include_directories(hector_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(hector_${name} PUBLIC ${ARG_DEPS})
  add_library(hector::${name} ALIAS hector_${name})
endfunction()
