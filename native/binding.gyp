{
  "targets": [
    {
      "target_name": "wasm_heap_kernels",
      "sources": ["wasm-heap-kernels.cc"],
      "cflags_cc": ["-O3", "-std=c++17", "-fexceptions", "-fopenmp"],
      "ldflags": ["-fopenmp"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "libraries": ["-ldnnl"],
      "configurations": {
        "Debug": {
          "cflags_cc": ["-fsanitize=address", "-fno-omit-frame-pointer", "-g"],
          "ldflags": ["-fsanitize=address"]
        }
      }
    }
  ]
}
