{
  "variables": { "sanitize%": "false" },
  "target_defaults": {
    "cflags_cc!": ["-std=gnu++17"],
    "cflags_cc": ["-std=c++20"],
    "cflags": ["-fPIC", "-fno-math-errno", "-fno-tree-loop-distribute-patterns", "-fvisibility=hidden", "-Wall", "-Wextra"],
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
      "target_name": "nodegrad_kernels_scalar",
      "type": "static_library",
      "defines": ["NG_ISA=scalar"],
      "sources": ["<!@(node -p \"require('./native/kernels/sources.json').join(' ')\")"]
    },
    {
      "target_name": "nodegrad_runtime",
      "type": "static_library",
      "sources": [
        "native/runtime/cpu_features.cc",
        "native/runtime/dispatch.cc",
        "native/runtime/threadpool.cc",
        "native/runtime/scratch.cc"
      ]
    },
    {
      "target_name": "nodegrad",
      "sources": ["native/binding/addon.cc", "native/binding/bind_poolnorm.cc", "native/binding/bind_rnn.cc"],
      "dependencies": [
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except",
        "nodegrad_runtime",
        "nodegrad_kernels_scalar"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NODE_ADDON_API_DISABLE_DEPRECATED",
        "NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED",
        "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS",
        "NG_VERSION=\"<!(node -p \"require('./package.json').version\")\""
      ],
      "ldflags": ["-Wl,-z,nodelete", "-pthread"],
      "conditions": [
        ["target_arch=='x64'", { "dependencies": ["nodegrad_kernels_avx2", "nodegrad_kernels_avx512"] }],
        ["target_arch=='arm64'", { "dependencies": ["nodegrad_kernels_neon"] }]
      ]
    }
  ],
  "conditions": [
    ["target_arch=='x64'", {
      "targets": [
        {
          "target_name": "nodegrad_kernels_avx2",
          "type": "static_library",
          "defines": ["NG_ISA=avx2"],
          "cflags": ["-mavx2", "-mfma"],
          "sources": ["<!@(node -p \"require('./native/kernels/sources.json').join(' ')\")"]
        },
        {
          "target_name": "nodegrad_kernels_avx512",
          "type": "static_library",
          "defines": ["NG_ISA=avx512"],
          "cflags": ["-mavx512f", "-mavx512bw", "-mavx512vl", "-mavx512dq", "-mavx2", "-mfma", "-Wno-uninitialized"],
          "sources": ["<!@(node -p \"require('./native/kernels/sources.json').join(' ')\")"]
        }
      ]
    }],
    ["target_arch=='arm64'", {
      "targets": [
        {
          "target_name": "nodegrad_kernels_neon",
          "type": "static_library",
          "defines": ["NG_ISA=neon"],
          "sources": ["<!@(node -p \"require('./native/kernels/sources.json').join(' ')\")"]
        }
      ]
    }]
  ]
}
