#!/usr/bin/env bash
# Runs meshcheck lint for the action (its second step): the findings in the
# job log, SARIF for code scanning and a Markdown job summary, all of the same
# tree. It always succeeds, so that the SARIF is uploaded even when findings
# fail the job; the action's last step exits with the exit-code output.
#
#   MESHCHECK_ARGS     arguments of meshcheck lint, split on blanks (default .)
#   MESHCHECK_FAIL_ON  --fail-on (default error)
#   MESHCHECK_SARIF    SARIF file to write, empty for none
#   MESHCHECK_SUMMARY  "true" to write the job summary
#   GITHUB_OUTPUT, GITHUB_STEP_SUMMARY  set by the runner
set -uo pipefail

read -r -a args <<<"${MESHCHECK_ARGS:-.}"
[ "${#args[@]}" -gt 0 ] || args=(.)

meshcheck lint --fail-on "${MESHCHECK_FAIL_ON:-error}" "${args[@]}"
code=$?
echo "exit-code=$code" >>"${GITHUB_OUTPUT:?GITHUB_OUTPUT is set by the runner}"

if [ -n "${MESHCHECK_SARIF:-}" ]; then
  if meshcheck lint --fail-on none -o sarif --output-file "$MESHCHECK_SARIF" "${args[@]}" 2>/dev/null; then
    echo "sarif-file=$MESHCHECK_SARIF" >>"$GITHUB_OUTPUT"
  else
    echo "::warning title=meshcheck::no SARIF was written (exit $?); code scanning gets no results"
  fi
fi

if [ "${MESHCHECK_SUMMARY:-true}" = "true" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  meshcheck lint --fail-on none -o markdown "${args[@]}" >>"$GITHUB_STEP_SUMMARY" 2>/dev/null || true
fi
exit 0
