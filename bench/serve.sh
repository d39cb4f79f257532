# shellcheck shell=sh disable=SC2034 # yz_base is read by the scripts that source this
# Sourced by the bench scripts (run.sh, data.sh, rss.sh), which define BIN and die.
#
# serve_yizhan PIDVAR DIR PORT_FILE LOG TENTHS [ARG...]
#   Starts "$BIN serve" on DIR on a free loopback port, access log off, with the
#   extra ARGs (e.g. --set server.threads=2), in the background, its stderr in
#   LOG. Sets the variable named PIDVAR to its pid at once (so that the caller's
#   exit trap stops it whatever happens next), waits up to TENTHS tenths of a
#   second for PORT_FILE and sets yz_base to its http://127.0.0.1:PORT; when the
#   port never comes, dies with the log's tail.
serve_yizhan() {
    _pidvar=$1 _dir=$2 _port_file=$3 _log=$4 _tenths=$5
    shift 5
    "$BIN" serve --dir "$_dir" --port 0 --port-file "$_port_file" --set log.access_log=false \
        "$@" 2>"$_log" &
    eval "$_pidvar=\$!"
    _i=0
    while [ ! -s "$_port_file" ] && [ "$_i" -lt "$_tenths" ]; do
        sleep 0.1
        _i=$((_i + 1))
    done
    [ -s "$_port_file" ] || { tail -n 20 "$_log" >&2; die "yizhan did not start on $_dir"; }
    yz_base="http://127.0.0.1:$(cat "$_port_file")"
}
