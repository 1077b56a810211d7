# Installation: `cmake --install BUILD --prefix P` gives
#   P/include/procsim/*.h          the public headers (one include directory)
#   P/lib/libprocsim.a             kernel + stats + runner, no demo models
#   P/lib/libprocsim.so            the same, with -DPROCSIM_SHARED=ON (procsim::shared)
#   P/bin/procsim                  the stock CLI (demo models, loads plugins)
#   P/share/man/man1/procsim.1     its man page (from the same text as --help)
#   P/lib/pkgconfig/procsim.pc     cflags and what a static link needs
#   P/lib/cmake/procsim/           find_package(procsim): procsim::procsim (the library)
#                                  and procsim::headers (include path only, for plugins)
# The tree keeps headers beside their sources; the same set is mirrored into
# BUILD/include/procsim/ so in-tree targets can use <procsim/...> exactly as users do.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(PROCSIM_PUBLIC_HEADERS
    ${PROJECT_SOURCE_DIR}/runner/procsim.h
    ${PROJECT_SOURCE_DIR}/kernel/sim.h
    ${PROJECT_SOURCE_DIR}/kernel/sim_resource.h
    ${PROJECT_SOURCE_DIR}/kernel/sim_rng.h
    ${PROJECT_SOURCE_DIR}/stats/stats.h
    ${PROJECT_SOURCE_DIR}/experiments/experiments.h
    ${PROJECT_SOURCE_DIR}/runner/runner.h)
foreach(h ${PROCSIM_PUBLIC_HEADERS})
  get_filename_component(name ${h} NAME)
  configure_file(${h} ${PROJECT_BINARY_DIR}/include/procsim/${name} COPYONLY)
endforeach()

add_library(procsim_headers INTERFACE)
set_target_properties(procsim_headers PROPERTIES EXPORT_NAME headers)
target_include_directories(procsim_headers INTERFACE
    $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include> $<INSTALL_INTERFACE:include>)
target_include_directories(procsim_lib INTERFACE
    $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include>)
add_library(procsim::procsim ALIAS procsim_lib)
add_library(procsim::headers ALIAS procsim_headers)

install(FILES ${PROCSIM_PUBLIC_HEADERS} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/procsim)
install(TARGETS procsim_lib procsim_headers EXPORT procsimTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS procsim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET procsim-mpi) # built when an MPI is found: it runs installed users' plugins too
  install(TARGETS procsim-mpi RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(FILES ${PROJECT_BINARY_DIR}/procsim.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
if(PROCSIM_SHARED) # procsim::shared; the .pc stays the static link
  target_include_directories(procsim_shared INTERFACE
      $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include>)
  install(TARGETS procsim_shared EXPORT procsimTargets
          LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
endif()

set(procsim_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/procsim)
install(EXPORT procsimTargets NAMESPACE procsim:: DESTINATION ${procsim_cmake_dir})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/procsimConfig.cmake.in
    ${PROJECT_BINARY_DIR}/procsimConfig.cmake INSTALL_DESTINATION ${procsim_cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/procsimConfigVersion.cmake
    COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/procsimConfig.cmake
        ${PROJECT_BINARY_DIR}/procsimConfigVersion.cmake DESTINATION ${procsim_cmake_dir})

# The .pc file finds its prefix from where it lies (${pcfiledir}), because the prefix is
# only known at `cmake --install --prefix P` time. A static link, both archives by path
# (so an installed libprocsim.so is never picked by -lprocsim by surprise).
set(PROCSIM_PC_LIBDIR ${CMAKE_INSTALL_LIBDIR})
set(PROCSIM_PC_INCLUDEDIR ${CMAKE_INSTALL_INCLUDEDIR})
set(PROCSIM_PC_DL "")
foreach(l ${CMAKE_DL_LIBS})
  string(APPEND PROCSIM_PC_DL " -l${l}")
endforeach()
configure_file(${PROJECT_SOURCE_DIR}/cmake/procsim.pc.in ${PROJECT_BINARY_DIR}/procsim.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/procsim.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
