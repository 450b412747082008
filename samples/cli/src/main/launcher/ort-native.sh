#!/usr/bin/env bash
# Unpacks ONNX Runtime's linux-x64 native libraries once from the onnxruntime jar named in a class
# path file into a stable folder, so the Java binding loads them from there
# (-Donnxruntime.native.path=DIR) instead of inflating them into a new temporary folder on every
# JVM start. Used by ./diffuse; tested by samples/cli OrtNativeFolderTest.
# Usage: ort-native.sh CLASSPATH_FILE DIR   (exit 0: DIR holds the libraries; 1: not available here)
set -euo pipefail
cp_file="$1"
native="$2"
[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] && command -v unzip >/dev/null 2>&1 || exit 1
ort_jar=$(tr ':' '\n' < "$cp_file" | grep -m1 '/onnxruntime[^/]*\.jar$' || true)
[ -n "$ort_jar" ] || exit 1
if [ ! -f "$native/.complete" ] || [ "$ort_jar" -nt "$native/.complete" ]; then
  mkdir -p "$(dirname "$native")"
  tmp=$(mktemp -d "$native.XXXXXX")
  # every library the jar has for linux-x64 (CPU jars since 1.2x have no libonnxruntime_providers_shared.so)
  if unzip -q -j -o "$ort_jar" 'ai/onnxruntime/native/linux-x64/*.so' -d "$tmp" 2>/dev/null \
      && [ -f "$tmp/libonnxruntime.so" ] && [ -f "$tmp/libonnxruntime4j_jni.so" ]; then
    echo "$ort_jar" > "$tmp/.complete"
    rm -rf "$native.old"; [ -d "$native" ] && mv "$native" "$native.old" 2>/dev/null || true
    mv -T "$tmp" "$native" 2>/dev/null || rm -rf "$tmp"
    rm -rf "$native.old"
  else
    rm -rf "$tmp"
  fi
fi
[ -f "$native/.complete" ] && [ -f "$native/libonnxruntime.so" ] && [ -f "$native/libonnxruntime4j_jni.so" ]
