# ecom_add_module(NAME <name> SOURCES ... DEPENDS ...)
# One library per module: include/ is the public surface, src/ stays private.
function(ecom_add_module)
  cmake_parse_arguments(M "" "NAME" "SOURCES;DEPENDS;PRIVATE_DEPENDS" ${ARGN})
  add_library(ecom_${M_NAME} STATIC ${M_SOURCES})
  add_library(ecom::${M_NAME} ALIAS ecom_${M_NAME})
  target_include_directories(ecom_${M_NAME} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
                                            PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(ecom_${M_NAME} PUBLIC ${M_DEPENDS} PRIVATE ecom_build_flags ${M_PRIVATE_DEPENDS})
endfunction()

# ecom_add_test(NAME <name> SOURCES ... DEPENDS ... [LABELS ...] [SERIAL])
# SERIAL: the tests stop or restart a shared server mid-test, so ctest runs them alone.
function(ecom_add_test)
  cmake_parse_arguments(T "SERIAL" "NAME" "SOURCES;DEPENDS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ecom_build_flags ecom_test_main ${T_DEPENDS})
  if(T_SERIAL)
    catch_discover_tests(${T_NAME} PROPERTIES LABELS "${T_LABELS}" TIMEOUT 120 RUN_SERIAL TRUE)
  else()
    catch_discover_tests(${T_NAME} PROPERTIES LABELS "${T_LABELS}" TIMEOUT 120)
  endif()
endfunction()
