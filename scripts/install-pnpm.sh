#!/usr/bin/env bash
# Make `pnpm` at the version pinned by package.json ("packageManager": "pnpm@X.Y.Z") available.
#
#   source scripts/install-pnpm.sh   # CI and scripts: also fixes PATH in the calling shell
#   scripts/install-pnpm.sh          # developers: installs, says what to add to PATH if needed
#
# 1. a `pnpm` on PATH at that version: nothing to do;
# 2. else `npm install -g pnpm@X.Y.Z`, adding npm's global bin directory to PATH if needed;
# 3. if that is not possible (no write access to npm's global prefix, or PNPM_NO_GLOBAL=1),
#    a `pnpm` shim running `npx --yes pnpm@X.Y.Z` in .tmp/pnpm-shim/ of the repo, put first on
#    PATH, so that the `pnpm ...` calls inside package.json scripts find it too.
# Needs only Node and npm.

_install_pnpm() {
  local root version have global_bin shim
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  version=$(node -p "require('$root/package.json').packageManager.split('@')[1].split('+')[0]")
  if [ -z "$version" ] || [ "$version" = undefined ]; then
    echo "install-pnpm: no pnpm version in package.json packageManager" >&2
    return 1
  fi

  have=$(pnpm --version 2>/dev/null || true)
  if [ "$have" = "$version" ]; then
    echo "install-pnpm: pnpm $version already on PATH ($(command -v pnpm))"
    return 0
  fi
  echo "install-pnpm: need pnpm $version, found ${have:-none}"

  if [ "${PNPM_NO_GLOBAL:-0}" != 1 ] &&
    npm install --global --no-audit --no-fund --loglevel=error "pnpm@$version"; then
    global_bin="$(npm prefix --global)/bin"
    case ":$PATH:" in
    *":$global_bin:"*) ;;
    *)
      export PATH="$global_bin:$PATH"
      if [ "${BASH_SOURCE[0]}" = "$0" ]; then
        echo "install-pnpm: add npm's global bin to your PATH: export PATH=\"$global_bin:\$PATH\""
      else
        echo "install-pnpm: $global_bin was not on PATH; added for this shell"
      fi
      ;;
    esac
    hash -r
    have=$(pnpm --version 2>/dev/null || true)
    if [ "$have" = "$version" ]; then
      echo "install-pnpm: installed pnpm $version globally ($(command -v pnpm))"
      return 0
    fi
    echo "install-pnpm: global install done but pnpm on PATH is ${have:-missing}" >&2
  else
    echo "install-pnpm: global install not possible, falling back to npx" >&2
  fi

  shim="$root/.tmp/pnpm-shim"
  mkdir -p "$shim"
  printf '#!/bin/sh\nexec npx --yes "pnpm@%s" "$@"\n' "$version" >"$shim/pnpm"
  chmod +x "$shim/pnpm"
  export PATH="$shim:$PATH"
  hash -r
  have=$(pnpm --version 2>/dev/null || true)
  if [ "$have" != "$version" ]; then
    echo "install-pnpm: npx pnpm@$version does not work either (got '${have}')" >&2
    return 1
  fi
  echo "install-pnpm: using pnpm $version through npx ($shim/pnpm)"
  if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    echo "install-pnpm: add it to your PATH:  export PATH=\"$shim:\$PATH\""
  fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  _install_pnpm
else
  _install_pnpm || return 1
fi
