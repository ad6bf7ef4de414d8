#!/bin/sh
# Writes gzipped man pages for pneuma and each of its subcommands into DIR, with help2man, from
# the program's own --help: the pages say exactly what the program prints.
# Usage: make-manpages.sh PNEUMA_BINARY VERSION DIR
set -eu
bin=$1 version=$2 dir=$3
mkdir -p "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# help2man runs "$bin --version"; for a subcommand's page it runs "$bin CMD --help".
help2man --no-info --no-discard-stderr --version-string="$version" \
  --name="biofeedback breathing trainer" --section=1 --output="$tmp/pneuma.1" "$bin"
"$bin" --help | awk '/^Commands:/{on=1; next} on && /^  [a-z]/{print} on && /^$/{exit}' |
  while read -r cmd summary; do
    help2man --no-info --no-discard-stderr --version-string="$version" --help-option="$cmd --help" \
      --name="$summary" --section=1 --output="$tmp/pneuma-$cmd.1" "$bin"
    # help2man titles the page after the program; the page is the subcommand's.
    sed -i -e "s/^\.TH PNEUMA /.TH PNEUMA-$(echo "$cmd" | tr a-z A-Z) /" -e "/^\.SH NAME/{n;s/^pneuma /pneuma-$cmd /}" "$tmp/pneuma-$cmd.1"
  done
for page in "$tmp"/*.1; do
  gzip -9n -c "$page" > "$dir/$(basename "$page").gz"
done
