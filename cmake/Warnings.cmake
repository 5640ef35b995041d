# zenhub_warnings(target): the project's warning set. Clean under it is the rule.
function(zenhub_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-unused-parameter
                                           -Wshadow=local)
endfunction()
