#!/bin/bash
# SPDX-License-Identifier: MIT
# The docs name only things that exist (STYLE.md): every source file that
# README.md or docs/ARCHITECTURE.md cites in backquotes (`fs/namei.c`, or
# a bare `namei.c` inside its subsystem's section) must be a file in the
# tree. Names under build/ (made by the build) and ../ (outside the
# repository) are not checked. No QEMU.
. "$(dirname "$0")/lib.sh"

files=$(git ls-files)
missing=()
for doc in README.md docs/ARCHITECTURE.md; do
	while IFS= read -r name; do
		case "$name" in build/* | ../*) continue ;; esac
		if ! grep -qE "(^|/)${name//./\\.}\$" <<< "$files"; then
			missing+=("$doc cites \`$name\`, which is not in the tree")
		fi
	done < <(grep -oE '`[A-Za-z0-9_./-]+\.(c|h|asm|sh|ld|cfg|in)`' "$doc" | tr -d '`' | sort -u)
done
if [ "${#missing[@]}" = 0 ]; then
	pass "docs_cite_only_files_that_exist"
else
	fail "docs_cite_only_files_that_exist" "${missing[@]}"
fi
