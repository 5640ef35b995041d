# ZENHUB_SANITIZE=ON builds everything with ASan + UBSan (make test-sanitize uses it).
if(ZENHUB_SANITIZE)
  # -g1 (line tables) is all a sanitizer report needs for its file:line stacks, and compiles and
  # links faster than full -g.
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -g1)
  add_link_options(-fsanitize=address,undefined)
endif()

# The fuzz build (make fuzz, clang) always runs under ASan + UBSan as well.
if(ZENHUB_FUZZ)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
