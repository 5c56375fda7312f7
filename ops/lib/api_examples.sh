#!/usr/bin/env bash
# Produces the examples of docs/API.md against a real `fundadmin serve`: a fresh database,
# the shared (or given) NATS under its own prefix, tokens issued with `fundadmin token
# create`, then one scenario through every resource — an angel fund with its capital,
# committee, a project from application to a write-off, its liability-exemption case and an
# annual report; a guidance fund committing to a sub-fund; a fund wound down and closed —
# printing each request as the curl a reader would type and the answer it got, as Markdown,
# to $OUT (default var/api_examples.md), one block per resource; with DOCS=docs/API.md it also
# replaces the blocks `<!-- api_examples: KEY -->` … `<!-- /api_examples -->` there. Ids are
# shortened (`01a20289-0579-…`), hashes and tokens too; the headers shown are the status line and Location, Idempotency-Replayed,
# X-Projection-Behind and Fundadmin-Report-Sha256; the rest is the server's answer as is
# (or the part a `jq` filter, shown in the command, keeps). Dates are fixed except where the
# clock decides (votes are dated now, so the decisions and what follows are dated today).
#
#   cargo build --release -p api && DOCS=docs/API.md ops/lib/api_examples.sh
#   FUNDADMIN=/tmp/t/release/fundadmin DB=docs_examples KEEP_DB=1 ops/lib/api_examples.sh
#
# The database ($DB, default docs_examples) and the JetStream streams of its NATS prefix (default
# the database's name) are deleted at the start and, unless KEEP_DB=1, at the end.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FUNDADMIN=${FUNDADMIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/fundadmin}
DB=${DB:-docs_examples}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
export DATABASE_URL="$PG/$DB"
export NATS_URL=${NATS_URL:-nats://127.0.0.1:4222}
export FUNDADMIN_NATS_PREFIX=${FUNDADMIN_NATS_PREFIX:-$DB}
export FUNDADMIN_SCHEDULER_INTERVAL_SECONDS=${FUNDADMIN_SCHEDULER_INTERVAL_SECONDS:-3600}
OUT=${OUT:-$ROOT/var/api_examples.md}
PORT=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
BASE="http://127.0.0.1:$PORT"
TMP=$(mktemp -d)

# Deletes the JetStream streams of this prefix (`<PREFIX>_EVENTS`, `<PREFIX>_REPORT_REQUESTS`),
# so that a run starts from an empty stream, as its database does: a projection fed the
# messages of an earlier run's database would wait for events that are not there.
delete_streams() {
  python3 - "$NATS_URL" "${FUNDADMIN_NATS_PREFIX^^}_" <<'PY'
import json, socket, sys
from urllib.parse import urlparse
url, prefix = urlparse(sys.argv[1].split(",")[0]), sys.argv[2]
sock = socket.create_connection((url.hostname or "127.0.0.1", url.port or 4222))
sock.recv(4096)
sock.sendall(b'CONNECT {"verbose":false}\r\nSUB _INBOX.api_examples 1\r\n')
def request(subject):
    sock.sendall(b"PUB %s _INBOX.api_examples 0\r\n\r\n" % subject.encode())
    buf = b""
    while True:
        buf += sock.recv(65536)
        at = buf.find(b"MSG _INBOX.api_examples")
        if at >= 0:
            end = buf.find(b"\r\n", at)
            if end < 0:
                continue
            size = int(buf[at:end].split()[-1])
            while len(buf) < end + 2 + size:
                buf += sock.recv(65536)
            return json.loads(buf[end + 2:end + 2 + size])
for name in request("$JS.API.STREAM.NAMES").get("streams") or []:
    if name.startswith(prefix):
        request("$JS.API.STREAM.DELETE." + name)
PY
}

[[ -x $FUNDADMIN ]] || { echo "no $FUNDADMIN: cargo build --release -p api first" >&2; exit 1; }
mkdir -p "$(dirname "$OUT")"
dropdb --if-exists -h 127.0.0.1 -U postgres "$DB" 2>/dev/null
delete_streams
createdb -h 127.0.0.1 -U postgres "$DB"
"$FUNDADMIN" migrate >/dev/null 2>&1
"$FUNDADMIN" serve --listen "127.0.0.1:$PORT" >"${SERVE_LOG:=$TMP/serve.log}" 2>&1 &
SERVER=$!
cleanup() {
  kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
  [[ ${KEEP_DB:-0} == 1 ]] || { dropdb --if-exists -h 127.0.0.1 -U postgres "$DB"; delete_streams; }
  rm -rf "$TMP"
}
trap cleanup EXIT
for _ in $(seq 100); do curl -sf "$BASE/readyz" >/dev/null && break; sleep 0.2; done
curl -sf "$BASE/readyz" >/dev/null || { cat "$SERVE_LOG" >&2; exit 1; }

TODAY=$(TZ=Asia/Shanghai date +%F)
token() { "$FUNDADMIN" token create "$@" 2>/dev/null; }

# Names shown in place of ids in the paths: NAMES[id]=VAR.
declare -A NAMES=()
name() { NAMES[$2]=$1; printf -v "$1" '%s' "$2"; }
show_path() {
  local p=$1 id
  for id in "${!NAMES[@]}"; do p=${p//$id/\$${NAMES[$id]}}; done
  printf '%s' "$p"
}
short() {
  sed -E 's/([0-9a-f]{8}-[0-9a-f]{4})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/\1-…/g;
          s/([^0-9a-f])([0-9a-f]{4})[0-9a-f]{60}([^0-9a-f]|$)/\1\2…\3/g;
          s/fa_[0-9a-f]{8}[0-9a-f]*_[0-9a-f]+/fa_…/g'
}

md() { printf '%s\n' "$@" >>"$OUT"; }

# api WHO METHOD PATH [BODY]: sends the request with the token in $WHO (`-` for none) and the
# headers in EXTRA; sets STATUS and BODY, the response headers in $TMP/headers.
EXTRA=()
api() {
  local who=$1 method=$2 path=$3 body=${4:-}
  local args=(-s -D "$TMP/headers" -o "$TMP/body" -w '%{http_code}' -X "$method" "$BASE$path")
  [[ $who == - ]] || args+=(-H "Authorization: Bearer ${!who}")
  local h
  for h in "${EXTRA[@]}"; do args+=(-H "$h"); done
  [[ -z $body ]] || args+=(-H 'Content-Type: application/json' -d "$body")
  STATUS=$(curl "${args[@]}")
  BODY=$(cat "$TMP/body")
}

# ex [-j JQ] WHO METHOD PATH [BODY]: api, then the example as Markdown: the command as a
# reader types it (the token as $WHO, ids as their names) and what came back.
ex() {
  local filter=
  if [[ $1 == -j ]]; then filter=$2; shift 2; fi
  local who=$1 method=$2 path=$3 body=${4:-}
  api "$@"
  local shown url cmd
  shown=$(show_path "$path")
  url="localhost:8080$shown"
  [[ $url == *'?'* ]] && url="\"$url\""
  cmd="curl -si"
  [[ $method == GET ]] || cmd+=" -X $method"
  cmd+=" $url"
  [[ $who == - ]] || cmd+=" -H \"Authorization: Bearer \$$who\""
  local h
  for h in "${EXTRA[@]}"; do cmd+=" -H '$h'"; done
  if [[ -n $body ]]; then
    cmd+=" \\"$'\n'"  -H 'Content-Type: application/json' -d '$(printf '%s' "$body" | short)'"
  fi
  [[ -z $filter ]] || cmd+=" | jq -c '$filter'"
  md '```sh' "$cmd" '```' '```http'
  md "$(head -1 "$TMP/headers" | tr -d '\r' | sed -E 's#^HTTP/[0-9.]+#HTTP/1.1#')"
  grep -iE '^(location|idempotency-replayed|x-projection-behind|fundadmin-report-sha256):' \
    "$TMP/headers" | tr -d '\r' | short >>"$OUT" || true
  md ''
  if [[ -n $filter ]]; then
    printf '%s' "$BODY" | jq -c "$filter" | short >>"$OUT"
  else
    printf '%s\n' "$BODY" | short >>"$OUT"
  fi
  md '```' ''
}
# ok …: as ex, and stops unless the answer is 2xx.
ok() {
  ex "$@"
  [[ $STATUS == 2* ]] || { echo "unexpected $STATUS for $*: $BODY" >&2; exit 1; }
}
# run WHO METHOD PATH [BODY]: a step not shown; stops unless 2xx.
run() {
  api "$@"
  [[ $STATUS == 2* ]] || { echo "unexpected $STATUS for $*: $BODY" >&2; exit 1; }
}
field() { printf '%s' "$BODY" | jq -r "$1"; }
# section KEY [INTRO]: what follows goes to the docs/API.md block KEY (several sections may
# share one), after a "### Example" heading and the intro.
section() { md "@@section $1"; [[ -z ${2:-} ]] || md "$2" ''; }

: >"$OUT"

ADMIN=$(token --role admin)

section funds "A fund established with a policy override, read back as soon as the read model has it (\`min_position\`; the \`jq\` filter keeps the phases):"
ok ADMIN POST /funds '{"name":"昆山市天使投资基金","kind":"angel","total_size":"300000000.00","establishment_date":"2025-01-02","manager":"昆山市天使投资管理有限公司","custodian":"中国工商银行昆山分行","city":"昆山","policy":{"eligibility":{"industries":["集成电路","生物医药"]}}}'
name FUND "$(field .fund_id)"
MANAGER=$(token --role manager --fund "$FUND")
CUSTODIAN=$(token --role custodian --fund "$FUND")
POS=$(field .global_position)
ok -j '{fund_id, name, kind, phase, phases, version}' MANAGER GET "/funds/$FUND?min_position=$POS"

section capital "The first tranche, the first of its two subscriptions, the call of the whole tranche, and the first LP's payment, instructed by the manager and confirmed by the custodian:"
ok MANAGER POST "/funds/$FUND/tranches" '{"number":1,"size":"50000000.00","subscription_date":"2025-01-02"}'
ok MANAGER POST "/funds/$FUND/subscriptions" '{"tranche":1,"lp_name":"昆山国创投资集团","lp_kind":"state_owned","amount":"30000000.00"}'
name LP_A "$(field .lp_id)"
run MANAGER POST "/funds/$FUND/subscriptions" '{"tranche":1,"lp_name":"昆山市产业发展引导基金","lp_kind":"guidance_fund","amount":"20000000.00"}'
name LP_B "$(field .lp_id)"
ok MANAGER POST "/funds/$FUND/capital-calls" '{"tranches":[1],"amount":"50000000.00","called_on":"2025-01-06","due_on":"2025-01-31"}'
name CALL "$(field .call_id)"
ok MANAGER POST "/funds/$FUND/movements" "{\"kind\":\"lp_payment\",\"call_id\":\"$CALL\",\"lp_id\":\"$LP_A\",\"amount\":\"30000000.00\",\"value_date\":\"2025-01-20\"}"
name MOVEMENT "$(field .movement_id)"
ok CUSTODIAN POST "/funds/$FUND/movements/$MOVEMENT/confirmation" '{"executed_on":"2025-01-20"}'
run MANAGER POST "/funds/$FUND/movements" "{\"kind\":\"lp_payment\",\"call_id\":\"$CALL\",\"lp_id\":\"$LP_B\",\"amount\":\"20000000.00\",\"value_date\":\"2025-01-28\"}"
M2=$(field .movement_id)
run CUSTODIAN POST "/funds/$FUND/movements/$M2/confirmation" '{"executed_on":"2025-01-28"}'

section commands
api MANAGER GET "/funds/$FUND?min_position=$(field .global_position)"
VERSION=$(field .version)
md "The fund's stream is at version $VERSION. A command sent with it as \`If-Match\`, then another" \
   "one sent twice (a retry) with the same \`Idempotency-Key\`:" ''
EXTRA=("If-Match: $VERSION")
ok MANAGER POST "/funds/$FUND/tranches" '{"number":2,"size":"30000000.00","subscription_date":"2026-01-05"}'
EXTRA=("Idempotency-Key: subscribe-lp-c-2")
ok MANAGER POST "/funds/$FUND/subscriptions" '{"tranche":2,"lp_name":"昆山高新创业投资有限公司","lp_kind":"other","amount":"12000000.00"}'
name LP_C "$(field .lp_id)"
ok MANAGER POST "/funds/$FUND/subscriptions" '{"tranche":2,"lp_name":"昆山高新创业投资有限公司","lp_kind":"other","amount":"12000000.00"}'
md "A command sent with the version read before the tranche was opened:" ''
EXTRA=("If-Match: $VERSION")
ex MANAGER POST "/funds/$FUND/subscriptions" "{\"tranche\":2,\"lp_id\":\"$LP_A\",\"lp_name\":\"昆山国创投资集团\",\"lp_kind\":\"state_owned\",\"amount\":\"18000000.00\"}"
EXTRA=()
run MANAGER POST "/funds/$FUND/subscriptions" "{\"tranche\":2,\"lp_id\":\"$LP_A\",\"lp_name\":\"昆山国创投资集团\",\"lp_kind\":\"state_owned\",\"amount\":\"18000000.00\"}"
run MANAGER POST "/funds/$FUND/capital-calls" '{"tranches":[2],"amount":"9000000.00","called_on":"2026-01-10","due_on":"2026-02-10"}'
name CALL_2 "$(field .call_id)"
run MANAGER POST "/funds/$FUND/movements" "{\"kind\":\"lp_payment\",\"call_id\":\"$CALL_2\",\"lp_id\":\"$LP_A\",\"amount\":\"5400000.00\",\"value_date\":\"2026-02-09\"}"
run CUSTODIAN POST "/funds/$FUND/movements/$(field .movement_id)/confirmation" '{"executed_on":"2026-02-09"}'
run MANAGER POST "/funds/$FUND/movements" "{\"kind\":\"lp_payment\",\"call_id\":\"$CALL_2\",\"lp_id\":\"$LP_C\",\"amount\":\"1000000.00\",\"value_date\":\"2026-02-10\"}"
run CUSTODIAN POST "/funds/$FUND/movements/$(field .movement_id)/confirmation" '{"executed_on":"2026-02-10"}'

section authentication "No token, and a token of another role:"
ex - GET "/funds/$FUND"
ex MANAGER POST /funds '{"name":"x","kind":"angel","total_size":"1.00","establishment_date":"2025-01-02","manager":"x","custodian":"x","city":"x"}'

section lifecycle "An extension and the phases it moves; closing refused on a fund not yet in liquidation; closing another fund, whose term ended in 2024 and which holds nothing:"
ok MANAGER POST "/funds/$FUND/extensions" '{"months":12,"resolution_ref":"合伙人大会决议〔2026〕3号","resolved_on":"2026-06-30"}'
POS=$(field .global_position)
ok -j '{phase, phases, extensions}' MANAGER GET "/funds/$FUND?min_position=$POS"
ex MANAGER POST "/funds/$FUND/closing" '{"closed_on":"2026-06-30"}'
run ADMIN POST /funds '{"name":"昆山市科创种子基金","kind":"angel","total_size":"50000000.00","establishment_date":"2022-01-03","manager":"昆山市天使投资管理有限公司","custodian":"中国工商银行昆山分行","city":"昆山","policy":{"investment_months":12,"exit_months":12}}'
name WOUND "$(field .fund_id)"
WOUND_MANAGER=$(token --role manager --fund "$WOUND")
ok WOUND_MANAGER POST "/funds/$WOUND/closing" '{"closed_on":"2026-06-30"}'

section fees "The fee of 2025 for the fund above (established 2025-01-02: 364 days on tranche 1), asked again (\`200\`, nothing recorded), the current year refused, and the fee paid (the custodian's confirmation not shown):"
ok MANAGER POST "/funds/$FUND/fee-assessments" '{"year":2025}'
ok -j '{year, total}' MANAGER POST "/funds/$FUND/fee-assessments" '{"year":2025}'
ex MANAGER POST "/funds/$FUND/fee-assessments" '{"year":2026}'
ok MANAGER POST "/funds/$FUND/movements" '{"kind":"fee_payment","fee_year":2025,"amount":"498630.14","value_date":"2026-01-10"}'
run CUSTODIAN POST "/funds/$FUND/movements/$(field .movement_id)/confirmation" '{"executed_on":"2026-01-10"}'

section distributions "1,000,000 declared on paid-in of 35,400,000, 20,000,000 and 1,000,000:"
ok MANAGER POST "/funds/$FUND/distributions" '{"amount":"1000000.00","declared_on":"2026-03-02"}'
name DISTRIBUTION "$(field .distribution_id)"
run MANAGER POST "/funds/$FUND/movements" "{\"kind\":\"distribution\",\"distribution_id\":\"$DISTRIBUTION\",\"lp_id\":\"$LP_A\",\"amount\":\"627659.57\",\"value_date\":\"2026-03-05\"}"
run CUSTODIAN POST "/funds/$FUND/movements/$(field .movement_id)/confirmation" '{"executed_on":"2026-03-05"}'
POS=$(field .global_position)

section reads "The fund above after a second call (30% of tranche 2; the third LP paid 1,000,000 of its 3,600,000), the 2025 fee and the first LP's distribution paid. An LP's token sees its own lines only:"
LP=$(token --role lp --fund "$FUND" --lp "$LP_C")
ok -j .capital MANAGER GET "/funds/$FUND/overview?min_position=$POS"
ok MANAGER GET "/funds/$FUND/lps?on=2026-11-01"
ok LP GET "/funds/$FUND/lps"
ok MANAGER GET "/funds/$FUND/calls?on=2026-11-01"
ok LP GET "/funds/$FUND/calls"
ex LP GET "/funds/$FUND/calls/$CALL"
ok -j '{year, total, paid, outstanding}' MANAGER GET "/funds/$FUND/fee-assessments/2025"
ok MANAGER GET "/funds/$FUND/distributions/$DISTRIBUTION"
ok -j '.items[-2:]' MANAGER GET "/funds/$FUND/movements"

section committee "Seat 1 appointed (seats 2–5 alike, not shown), an observer, and the committee read back:"
for seat in 1 2 3 4 5; do
  names=(_ 张伟 王芳 李强 刘洋 陈静)
  body="{\"name\":\"${names[$seat]}\",\"appointed_on\":\"2025-01-02\"}"
  if [[ $seat == 1 ]]; then ok MANAGER POST "/funds/$FUND/committee/seats/1/appointment" "$body"
  else run MANAGER POST "/funds/$FUND/committee/seats/$seat/appointment" "$body"; fi
  name "MEMBER_$seat" "$(field .person_id)"
  member=MEMBER_$seat
  printf -v "SEAT_$seat" '%s' "$(token --role member --fund "$FUND" --seat "$seat" --person "${!member}")"
done
ok MANAGER POST "/funds/$FUND/committee/observers" '{"name":"赵敏","body":"昆山开发区"}'
name OBSERVER_ID "$(field .person_id)"
OBSERVER=$(token --role observer --fund "$FUND" --person "$OBSERVER_ID")
ok -j '.seats[:2]' MANAGER GET "/funds/$FUND/committee"

section projects "A company applies and passes the qualification review (each condition with its rule); it is researched, established (not shown), investigated (four reports, not shown) and proposed, every limit checked with its figures; a second company fails conditions 4 and 5:"
FACTS='{"registered_city":"昆山","operating_city":"昆山","independent_legal_person":true,"industry":"集成电路","ip":["patent","software_copyright"],"business_model_company":false,"staff":86,"rd_staff":31,"clear_ownership":true,"subsidiary_of_large_group":false,"annual_revenue":"12000000.00","net_assets":"8500000.00","rd_spending":"2600000.00","founded_on":"2022-05-18","talent_programme":"昆山市创新创业领军人才计划"}'
ok MANAGER POST "/funds/$FUND/projects" "{\"company\":\"昆山芯微电子科技有限公司\",\"facts\":$FACTS,\"applied_on\":\"2026-08-03\"}"
name PROJECT "$(field .project_id)"
P="/funds/$FUND/projects/$PROJECT"
ok -j '{stage, status, conditions: [.events[0].data.eligibility.conditions[] | {number, rule, code, passed}]}' MANAGER POST "$P/qualification-review" '{"on":"2026-08-10"}'
ok MANAGER POST "$P/research" '{"outcome":"shortlisted","note":"团队访谈、产线考察","on":"2026-08-24"}'
run MANAGER POST "$P/establishment" '{"partner_opinion_ref":"合作机构意见〔2026〕12号","on":"2026-09-01"}'
for kind in commercial legal financial expert_review; do
  run MANAGER POST "$P/due-diligence" "{\"kind\":\"$kind\",\"provider\":\"某某会计师事务所\",\"document_ref\":\"DD-2026-012-$kind\",\"on\":\"2026-09-20\"}"
done
ok -j '{stage, status, global_position, limits: .events[0].data.limits}' MANAGER POST "$P/proposal" '{"proposal":{"amount":"3000000.00","post_money_cap_table":[{"name":"昆山市天使投资基金","stake":"0.15","is_fund":true},{"name":"创始团队","stake":"0.62","is_fund":false},{"name":"其他投资人","stake":"0.23","is_fund":false}],"instrument":"equity","industry":"集成电路"},"price":"1.00","on":"2026-10-12"}'
ex -j '{project_id, stage, status}' MANAGER POST "/funds/$FUND/projects" "{\"company\":\"昆山某某大型集团子公司\",\"facts\":$(printf '%s' "$FACTS" | jq -c '.staff = 260 | .subsidiary_of_large_group = true'),\"applied_on\":\"2026-08-03\"}"
name PROJECT_2 "$(field .project_id)"
ok -j '{stage, status, failed: [.events[] | select(.type == "QualificationReviewed") | .data.eligibility.conditions[] | select(.passed | not) | {rule, code, reason}]}' MANAGER POST "/funds/$FUND/projects/$PROJECT_2/qualification-review" '{"on":"2026-08-10"}'

section committee "A written resolution on the project of [the pipeline](#projects-the-pipeline): the first vote, an observer's comment, the fourth approval, which passes it (seats 2 and 3 not shown), a fifth vote refused, the resolution read back; then an 8,000,000 resolution refused in writing, opened on site instead (not shown), convened and attended, a vote refused before the meeting opens, and seat 1's inbox once it is open:"
DEADLINE="$(date -u -d '+30 days' +%Y-%m-%dT09:00:00Z)"
ok MANAGER POST "/funds/$FUND/resolutions" "{\"subject\":{\"kind\":\"investment\",\"title\":\"投资昆山芯微电子科技有限公司\",\"reference\":\"$PROJECT\"},\"amount\":\"3000000.00\",\"mode\":\"written\",\"deadline\":\"$DEADLINE\",\"documents\":[{\"title\":\"尽职调查报告\",\"reference\":\"DD-2026-012\"}]}"
name RESOLUTION "$(field .resolution_id)"
ok SEAT_1 POST "/funds/$FUND/resolutions/$RESOLUTION/votes" '{"choice":"approve","reason":"符合投资条件"}'
ok OBSERVER POST "/funds/$FUND/resolutions/$RESOLUTION/comments" '{"text":"建议关注知识产权归属"}'
run SEAT_2 POST "/funds/$FUND/resolutions/$RESOLUTION/votes" '{"choice":"approve"}'
run SEAT_3 POST "/funds/$FUND/resolutions/$RESOLUTION/votes" '{"choice":"approve"}'
ok SEAT_4 POST "/funds/$FUND/resolutions/$RESOLUTION/votes" '{"choice":"approve"}'
ex SEAT_5 POST "/funds/$FUND/resolutions/$RESOLUTION/votes" '{"choice":"approve"}'
POS=$(curl -s "$BASE/events?fund_id=$FUND&limit=1000" -H "Authorization: Bearer $ADMIN" | jq '[.items[].global_position] | max')
ok -j '{resolution_id, status, quorum, tally, votes: [.votes[] | {seat, name, choice, reason}], comments}' MANAGER GET "/funds/$FUND/resolutions/$RESOLUTION?min_position=$POS"
ex MANAGER POST "/funds/$FUND/resolutions" "{\"subject\":{\"kind\":\"other\",\"title\":\"2027年度投资计划\",\"reference\":\"计划-2027\"},\"amount\":\"8000000.00\",\"mode\":\"written\",\"deadline\":\"$DEADLINE\"}"
run MANAGER POST "/funds/$FUND/resolutions" "{\"subject\":{\"kind\":\"other\",\"title\":\"2027年度投资计划\",\"reference\":\"计划-2027\"},\"amount\":\"8000000.00\",\"mode\":\"on_site\",\"deadline\":\"$DEADLINE\"}"
name MEETING_RESOLUTION "$(field .resolution_id)"
R="/funds/$FUND/resolutions/$MEETING_RESOLUTION"
ok MANAGER POST "$R/meeting" "{\"meets_at\":\"$(date -u -d '+7 days' +%Y-%m-%dT02:00:00Z)\",\"place\":\"昆山市科创大厦\"}"
ok MANAGER POST "$R/attendance" '{"seat":1}'
run MANAGER POST "$R/attendance" '{"seat":2}'
run MANAGER POST "$R/attendance" "{\"observer_id\":\"$OBSERVER_ID\"}"
ex SEAT_1 POST "$R/votes" '{"choice":"approve"}'
ok MANAGER POST "$R/meeting/opening" '{}'
POS=$(field .global_position)
ok -j '[.items[] | {resolution_id, title, mode, status, deadline}]' SEAT_1 GET "/me/resolutions?min_position=$POS"

section projects "After the committee passed it: the decision, the agreement, and the company's paid-in (4,000,000 of 10,000,000: the fund owes 30% of its 3,000,000):"
ok -j '{stage, status, events: [.events[].type]}' MANAGER POST "$P/decision" "{\"resolution_id\":\"$RESOLUTION\",\"on\":\"$TODAY\"}"
ok -j '{stage, status, events: [.events[].type]}' MANAGER POST "$P/agreement" "{\"commitment\":\"3000000.00\",\"registered_capital\":\"10000000.00\",\"other_shareholders\":[\"创始团队\",\"其他投资人\"],\"signed_on\":\"$TODAY\"}"
ok -j '{stage, events: [.events[] | {type, data}]}' MANAGER POST "$P/paid-in" "{\"paid_in\":\"4000000.00\",\"on\":\"$TODAY\"}"

section investments "The injection the paid-in ratio requires, one more refused, the custodian's confirmation; a report that moves the company to 苏州 (trigger 5 detected); the write-off under an \`exit\` resolution passed like the one above (not shown); the portfolio and the project read back:"
ok MANAGER POST "$P/injections" "{\"amount\":\"1200000.00\",\"value_date\":\"$TODAY\"}"
name INJECTION "$(field .movement_id)"
ex MANAGER POST "$P/injections" "{\"amount\":\"100000.00\",\"value_date\":\"$TODAY\"}"
ok CUSTODIAN POST "/funds/$FUND/movements/$INJECTION/confirmation" "{\"executed_on\":\"$TODAY\"}"
ok -j '{stage, global_position, events: [.events[] | {type, data}]}' MANAGER POST "$P/reports" "{\"report\":{\"period\":\"2026-Q3\",\"revenue\":\"9800000.00\",\"net_assets\":\"11200000.00\",\"staff\":92,\"rd_staff\":33,\"financing_rounds\":[],\"raising_round\":false,\"registered_city\":\"苏州\",\"going_concern\":true},\"on\":\"$TODAY\"}"
PROJECT_POS=$(field .global_position)
# The exit plan: a written `exit` resolution on the project, passed by seats 1–4.
run MANAGER POST "/funds/$FUND/resolutions" "{\"subject\":{\"kind\":\"exit\",\"title\":\"核销昆山芯微电子科技有限公司投资\",\"reference\":\"$PROJECT\"},\"amount\":\"0.00\",\"mode\":\"written\",\"deadline\":\"$DEADLINE\"}"
name EXIT_PLAN "$(field .resolution_id)"
for seat in 1 2 3 4; do
  run "SEAT_$seat" POST "/funds/$FUND/resolutions/$EXIT_PLAN/votes" '{"choice":"approve"}'
done
ok MANAGER POST "$P/exits" "{\"proceeds\":\"0.00\",\"cost_released\":\"1200000.00\",\"on\":\"$TODAY\",\"resolution_id\":\"$EXIT_PLAN\"}"
# The portfolio waits for the capital and projects read models; wait for the exit first
# (the projects read model's position moves with project events only).
run MANAGER GET "/funds/$FUND/overview?min_position=$(field .global_position)"
ok MANAGER GET "/funds/$FUND/portfolio?min_position=$PROJECT_POS"
ok -j '{company, stage, status, eligible, commitment, company_paid_in, registered_capital, required_cumulative, triggers, latest_registered_city, steps: [.steps[] | {version, event_type, on, summary}]}' MANAGER GET "$P?min_position=$PROJECT_POS"
section projects "The pipeline board once the investment is made (the second company rejected at its application):"
ok MANAGER GET "/funds/$FUND/projects/board?on=$TODAY&min_position=$PROJECT_POS"

section guidance "A guidance fund (its capital and committee set up as above, not shown) applies to commit to a sub-fund; review, research, establishment and due diligence as for a company (not shown); 25% of the sub-fund refused, 20% proposed; after the committee and the agreement (not shown), the sub-fund reports 40,000,000 called, the injection of 8,000,000 is confirmed (not shown), and the sub-fund reports a local investment. Then the angel fund's guidance-fund LP is linked to it, and the angel fund's loss tolerance after its write-off:"
ok ADMIN POST /funds '{"name":"苏州市创新产业引导基金","kind":"guidance","total_size":"1000000000.00","establishment_date":"2025-01-02","manager":"苏州创新投资管理有限公司","custodian":"中国银行苏州分行","city":"苏州"}'
name GUIDANCE "$(field .fund_id)"
G="/funds/$GUIDANCE"
G_MANAGER=$(token --role manager --fund "$GUIDANCE")
G_CUSTODIAN=$(token --role custodian --fund "$GUIDANCE")
run G_MANAGER POST "$G/tranches" '{"number":1,"size":"100000000.00","subscription_date":"2025-01-02"}'
run G_MANAGER POST "$G/subscriptions" '{"tranche":1,"lp_name":"苏州市财政局","lp_kind":"state_owned","amount":"100000000.00"}'
G_LP=$(field .lp_id)
run G_MANAGER POST "$G/capital-calls" '{"tranches":[1],"amount":"100000000.00","called_on":"2025-01-06","due_on":"2025-01-31"}'
G_CALL=$(field .call_id)
run G_MANAGER POST "$G/movements" "{\"kind\":\"lp_payment\",\"call_id\":\"$G_CALL\",\"lp_id\":\"$G_LP\",\"amount\":\"100000000.00\",\"value_date\":\"2025-01-20\"}"
run G_CUSTODIAN POST "$G/movements/$(field .movement_id)/confirmation" '{"executed_on":"2025-01-20"}'
for seat in 1 2 3 4 5; do
  run G_MANAGER POST "$G/committee/seats/$seat/appointment" "{\"name\":\"委员$seat\",\"appointed_on\":\"2025-01-02\"}"
  printf -v "G_SEAT_$seat" '%s' "$(token --role member --fund "$GUIDANCE" --seat "$seat" --person "$(field .person_id)")"
done
SUB_FUND='{"name":"苏州集成电路创业投资合伙企业(有限合伙)","manager":"苏州某某私募基金管理有限公司","size":"100000000.00","term_years":8,"focus":"集成电路","other_lps":[{"name":"社会资本甲","commitment":"50000000.00"},{"name":"社会资本乙","commitment":"20000000.00"}]}'
ok G_MANAGER POST "$G/sub-funds" "{\"sub_fund\":$SUB_FUND,\"applied_on\":\"2026-08-03\"}"
name SUB_FUND_PROJECT "$(field .project_id)"
S="$G/projects/$SUB_FUND_PROJECT"
run G_MANAGER POST "$S/qualification-review" '{"on":"2026-08-10"}'
run G_MANAGER POST "$S/research" '{"outcome":"shortlisted","note":"管理团队访谈","on":"2026-08-24"}'
run G_MANAGER POST "$S/establishment" '{"partner_opinion_ref":"立项意见〔2026〕5号","on":"2026-09-01"}'
for kind in commercial legal financial expert_review; do
  run G_MANAGER POST "$S/due-diligence" "{\"kind\":\"$kind\",\"provider\":\"某某律师事务所\",\"document_ref\":\"SF-2026-05-$kind\",\"on\":\"2026-09-20\"}"
done
ex G_MANAGER POST "$S/commitment-proposal" '{"commitment":"25000000.00","return_terms":{"principal_guarantee":false,"minimum_return":null},"on":"2026-10-12"}'
ok -j '{stage, status, check: .events[0].data.check}' G_MANAGER POST "$S/commitment-proposal" '{"commitment":"20000000.00","return_terms":{"principal_guarantee":false,"minimum_return":null},"on":"2026-10-12"}'
run G_MANAGER POST "$G/resolutions" "{\"subject\":{\"kind\":\"investment\",\"title\":\"认缴苏州集成电路创业投资合伙企业\",\"reference\":\"$SUB_FUND_PROJECT\"},\"amount\":\"20000000.00\",\"mode\":\"on_site\",\"deadline\":\"$DEADLINE\"}"
G_RES=$(field .resolution_id)
run G_MANAGER POST "$G/resolutions/$G_RES/meeting" "{\"meets_at\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\",\"place\":\"苏州市金融大厦\"}"
for seat in 1 2 3 4; do run G_MANAGER POST "$G/resolutions/$G_RES/attendance" "{\"seat\":$seat}"; done
run G_MANAGER POST "$G/resolutions/$G_RES/meeting/opening" '{}'
for seat in 1 2 3 4; do run "G_SEAT_$seat" POST "$G/resolutions/$G_RES/votes" '{"choice":"approve"}'; done
run G_MANAGER POST "$S/decision" "{\"resolution_id\":\"$G_RES\",\"on\":\"$TODAY\"}"
run G_MANAGER POST "$S/agreement" "{\"commitment\":\"20000000.00\",\"registered_capital\":\"100000000.00\",\"other_shareholders\":[\"社会资本甲\",\"社会资本乙\"],\"signed_on\":\"$TODAY\"}"
ok -j '{stage, events: [.events[] | {type, data}]}' G_MANAGER POST "$S/paid-in" "{\"paid_in\":\"40000000.00\",\"on\":\"$TODAY\"}"
run G_MANAGER POST "$S/injections" "{\"amount\":\"8000000.00\",\"value_date\":\"$TODAY\"}"
run G_CUSTODIAN POST "$G/movements/$(field .movement_id)/confirmation" "{\"executed_on\":\"$TODAY\"}"
ok G_MANAGER POST "$S/sub-fund-investments" "{\"company\":\"苏州晶芯半导体有限公司\",\"city\":\"苏州\",\"amount\":\"12000000.00\",\"on\":\"$TODAY\"}"
run G_MANAGER GET "$S?min_position=$(field .global_position)"
ok -j '.investments[0] | {company, commitment, paid, cost_not_exited, reinvestment}' G_MANAGER GET "$G/portfolio"
ok MANAGER POST "/funds/$FUND/lps/$LP_B/link" "{\"fund_id\":\"$GUIDANCE\"}"
POS=$(field .global_position)
ok -j '.capital.loss_tolerance' MANAGER GET "/funds/$FUND/overview?min_position=$POS"

section exemption "A case for the written-off investment above, covering the project lead and the member of seat 1; evaluated from the log; the lead's statement through the manager's token (seat 1's own, not shown); the authority's determination; the case and its evidence package read back:"
STAFF=$(python3 -c 'import uuid; print(uuid.uuid4())')
name STAFF "$STAFF"
ok MANAGER POST "/funds/$FUND/exemption-cases" "{\"project_id\":\"$PROJECT\",\"covered\":[{\"person_id\":\"$STAFF\",\"name\":\"孙磊\",\"role\":\"manager_staff\",\"part\":\"项目负责人,尽职调查\"},{\"person_id\":\"$MEMBER_1\",\"name\":\"张伟\",\"role\":\"committee_member\",\"part\":\"投资决策\"}],\"opened_on\":\"$TODAY\"}"
name CASE "$(field .case_id)"
C="/funds/$FUND/exemption-cases/$CASE"
ok -j '{case_id, stream_version, outcomes: [.events[0].data.outcomes[] | {condition, passed, reason, references: (.references | length)}]}' MANAGER POST "$C/evaluation" '{}'
ALL_PASSED=$(field '[.events[0].data.outcomes[].passed] | all')
ok MANAGER POST "$C/attestations" "{\"person_id\":\"$STAFF\",\"no_personal_gain\":true,\"no_violation_of_law\":true,\"statement\":\"本人在该项目中未谋取个人利益,无违法违规行为。\",\"signed_on\":\"$TODAY\"}"
run SEAT_1 POST "$C/attestations" "{\"person_id\":\"$MEMBER_1\",\"no_personal_gain\":true,\"no_violation_of_law\":true,\"statement\":\"本人未谋取个人利益。\",\"signed_on\":\"$TODAY\"}"
AUTHORITY=$(token --role authority --agency 昆山市科创办 --funds "$FUND")
if [[ $ALL_PASSED == true ]]; then
  ok AUTHORITY POST "$C/determination" "{\"granted\":true,\"reference\":\"昆科创免〔2026〕1号\",\"exemptions\":[{\"person_id\":\"$STAFF\",\"exemptions\":[\"performance_evaluation\",\"promotion_rotation_title\",\"awards\"]},{\"person_id\":\"$MEMBER_1\",\"exemptions\":[\"performance_evaluation\"]}],\"on\":\"$TODAY\"}"
else
  ok AUTHORITY POST "$C/determination" "{\"granted\":false,\"reference\":\"昆科创免〔2026〕1号\",\"on\":\"$TODAY\"}"
fi
POS=$(field .global_position)
ok -j '{case_id, project_id, loss, status, covered, attestations: (.attestations | length), determinations, loss_tolerance}' AUTHORITY GET "$C?min_position=$POS"
ok -j '{generated_at, case: .case.case_id, count: (.events | length), first: .events[0] | {reference, payload: (.payload | keys), metadata: .metadata.actor}}' AUTHORITY GET "$C/package"

section reports "The annual report of 2025 drafted by the manager, listed for a regulator (overdue: due 30 April 2026), filed under its hash, read back, one table as CSV, and verified; then every report the regulator covers:"
REGULATOR=$(token --role regulator --agency 昆山市金融监管局 --funds "$FUND,$GUIDANCE")
ok -j '{fund_id, kind, year, version, sha256, recorded, events: [.events[] | {type, data: (.data | {version, sha256, cut, snapshot})}], stream_version, global_position}' MANAGER POST "/funds/$FUND/reports" '{"kind":"annual","year":2025}'
SHA=$(field .sha256)
POS=$(field .global_position)
ok -j '.items[] | select(.kind == "annual")' REGULATOR GET "/funds/$FUND/reports?year=2025&min_position=$POS"
ok MANAGER POST "/funds/$FUND/reports/annual/2025/versions/1/filing" "{\"sha256\":\"$SHA\"}"
POS=$(field .global_position)
ok -j '{report: .report | {kind, year, status, due, overdue, filed_late, filed_version, filed_sha256, first_filed_on}, versions: [.versions[] | {version, status, sha256, cut, generated_on, filed_on, filed_by}]}' REGULATOR GET "/funds/$FUND/reports/annual/2025?min_position=$POS"
ok REGULATOR GET "/funds/$FUND/reports/annual/2025/versions/1?format=csv&table=lps"
ok REGULATOR GET "/funds/$FUND/reports/annual/2025/versions/1/verification"
ok -j '{items: [.items[] | {fund_id, kind, year, status, overdue, filed_late, due}], next_after}' REGULATOR GET /reports

section access-log "After the reads above:"
ok MANAGER GET "/funds/$FUND/access-log"

section audit "The first two events of the fund, for a regulator (the \`jq\` filter drops the payloads):"
ok -j '{items: [.items[] | {global_position, tx_id, stream_type, stream_version, event_type, effective_at, metadata, hash, previous_hash}], next_after}' REGULATOR GET "/events?fund_id=$FUND&limit=2"

section operations
ok - GET /healthz
ok - GET /readyz
md '```sh' 'curl -s localhost:8080/metrics | grep -E '"'"'^fundadmin_(relay_position|projection_lag_seconds|http_responses_total)'"'"'' '```' '```text'
curl -s "$BASE/metrics" | grep -E '^fundadmin_(relay_position|projection_lag_seconds|http_responses_total)' >>"$OUT"
md '```' ''
api - GET /docs
md '```sh' "curl -si localhost:8080/docs | grep -iE '^(HTTP|content-type|content-security-policy)'" '```' '```http'
md "$(head -1 "$TMP/headers" | tr -d '\r' | sed -E 's#^HTTP/[0-9.]+#HTTP/1.1#')"
grep -iE '^(content-type|content-security-policy):' "$TMP/headers" | tr -d '\r' >>"$OUT"
md '```' ''

# Gather the sections by key, each block opening with "### Example"; with DOCS=docs/API.md,
# replace each `<!-- api_examples: KEY -->` … `<!-- /api_examples -->` block there.
python3 - "$OUT" "${DOCS:-}" "$TODAY" <<'PY'
import re, sys, textwrap
out, docs, today = sys.argv[1:4]
blocks, key = {}, None
for line in open(out, encoding="utf-8").read().splitlines(keepends=True):
    if line.startswith("@@section "):
        key = line.split()[1]
        blocks.setdefault(key, [])
    else:
        blocks[key].append(line)
def wrapped(text):
    """Prose lines (outside code blocks) wrapped at 95 columns, as the rest of the document."""
    out, fenced = [], False
    for line in text.split("\n"):
        if line.startswith("```"):
            fenced = not fenced
        out.append(line if fenced or len(line) <= 95 else textwrap.fill(line, 95))
    return "\n".join(out)
def block(key):
    body = wrapped("".join(blocks[key]).strip("\n"))
    return (f"<!-- api_examples: {key} -->\n### Example\n\n"
            f"Produced by `ops/lib/api_examples.sh` on {today}.\n\n{body}\n<!-- /api_examples -->")
with open(out, "w", encoding="utf-8") as f:
    f.write("\n\n".join(block(k) for k in blocks) + "\n")
if docs:
    text = open(docs, encoding="utf-8").read()
    for k in blocks:
        pattern = re.compile(r"<!-- api_examples: %s -->.*?<!-- /api_examples -->" % re.escape(k), re.S)
        if not pattern.search(text):
            sys.exit(f"{docs} has no block <!-- api_examples: {k} -->")
        text = pattern.sub(lambda _: block(k), text)
    open(docs, "w", encoding="utf-8").write(text)
    print(f"updated {len(blocks)} example blocks in {docs}", file=sys.stderr)
PY
echo "examples written to $OUT" >&2
