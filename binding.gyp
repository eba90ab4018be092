{
  "variables": { "sanitize%": "false" },
  "target_defaults": {
    "cflags_cc!": ["-std=gnu++17"],
    "cflags_cc": ["-std=c++20"],
    "cflags": ["-fPIC", "-fno-math-errno", "-fvisibility=hidden", "-Wall", "-Wextra"],
    "include_dirs": ["native/include"],
    "conditions": [
      ["sanitize=='true'", {
        "cflags": ["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-O1", "-g"],
        "ldflags": ["-fsanitize=address,undefined"]
      }]
    ]
  },
  "targets": [
    {
      "target_name": "nodegrad_kernels",
      "type": "static_library",
      "sources": [
        "native/kernels/elementwise.cc",
        "native/kernels/reduce.cc",
        "native/kernels/gemm.cc",
        "native/kernels/indexing.cc"
      ]
    },
    {
      "target_name": "nodegrad",
      "sources": ["native/binding/addon.cc"],
      "dependencies": [
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except",
        "nodegrad_kernels"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NODE_ADDON_API_DISABLE_DEPRECATED",
        "NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED",
        "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS",
        "NG_VERSION=\"<!(node -p \"require('./package.json').version\")\""
      ],
      "ldflags": ["-Wl,-z,nodelete"]
    }
  ]
}
