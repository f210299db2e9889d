"""Who may do what on a project server: privileges, functions, policies and triggers (init-server).

The rules, and the attack each one answers (tests/postgres/test_attacks.py replays every attack):

- Nobody but an admin may create anything in the database: no TEMPORARY, no CREATE on the
  database or on schema `public`. A temporary table named `coder` or `setting` used to shadow the
  real one inside the policy functions and let a coder write as anyone.
- Every function here pins `search_path = pg_catalog, public, pg_temp` (pg_temp last: left out,
  it would be searched first) and names its tables `public.…`. Only the three that write on a
  coder's behalf are SECURITY DEFINER (`workbench_log`, `workbench_delete`, `workbench_update`);
  the rules themselves run as the caller and read only what every member may read.
- "Who" is `session_user`, the login that authenticated: it stays the same inside a SECURITY
  DEFINER function and after a `SET ROLE`, so the same rule holds for a direct INSERT and for a
  delete made through `workbench_delete`.
- Coders hold SELECT everywhere and INSERT where they create rows; they hold no UPDATE, DELETE or
  TRUNCATE on any table, because PostgreSQL lets whoever holds one of those take `LOCK TABLE …
  ACCESS EXCLUSIVE` and stall the whole team. Their changes and removals of their own rows go
  through `workbench_delete` / `workbench_update` (store/server_writes.py routes the app's
  statements there). With INSERT alone the strongest lock is ROW EXCLUSIVE, which blocks no
  reader and no writer. Reconcilers also write the shared codebook tables directly (see GRANTS).
- The audit log is written only by the server: `workbench_log` and the trigger on `audit` set the
  time from the server's clock and the actor to the login. Nobody but an admin copying a project
  in (`workbench.copying`, push) may INSERT, UPDATE or DELETE it.
- Summaries: everyone reads them; reconcilers and admins write them; the author is forced to the
  login for anyone but an admin (who may import authors from elsewhere).
"""

from __future__ import annotations

from sqlalchemy import Connection, text

KINDS = ("coders", "reconcilers", "admins")
# Tables whose rows belong to one person; every other table is shared by the whole team.
OWNED = ("coding", "nothing_applies", "coder", "memo", "setting")
# Tables whose rows coders may remove or change through the definer functions, with the key the
# functions select rows by and the columns workbench_update may set.
THROUGH_FUNCTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "coding": ("id", ("note", "subtheme_id", "valence_id", "perspective_id", "start", "end", "origin", "time")),
    "nothing_applies": ("id", ("time",)),
    "memo": ("id", ("text", "time", "target_kind", "target_uuid")),
    "excerpt_nlp": ("excerpt_id", ("perspectives", "citations", "pipeline")),
}

# Direct table privileges beyond SELECT (which every member has on every table). A group also has
# what the groups it contains have (admins ⊃ reconcilers ⊃ coders). No UPDATE/DELETE/TRUNCATE for
# coders: see the module's docstring.
GRANTS: dict[str, list[tuple[str, str]]] = {
    "coders": [("INSERT", "coding"), ("INSERT", "nothing_applies"), ("INSERT", "memo"), ("INSERT", "coder"),
               ("INSERT", "subtheme"), ("INSERT", "excerpt_nlp")],
    "reconcilers": [
        ("INSERT, UPDATE, DELETE", "decision"), ("INSERT, UPDATE, DELETE", "judgement"),
        ("INSERT, UPDATE, DELETE", "theme"), ("INSERT, UPDATE", "subtheme"), ("INSERT, UPDATE, DELETE", "summary"),
        ("INSERT, UPDATE", "setting"),
    ],
    "admins": [("ALL", "ALL")],
}

PINNED = "SET search_path = pg_catalog, public, pg_temp"
SERVER_TIME = """to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""
COPYING = "(coalesce(current_setting('workbench.copying', true), '') = 'on' AND public.workbench_is('admins'))"


def _functions(prefix_literal: str) -> list[str]:
    """The rule functions (run as the caller) and the three writers (run as the admins group)."""
    sql = f"LANGUAGE sql STABLE {PINNED}"
    return [
        f"CREATE OR REPLACE FUNCTION public.workbench_role_prefix() RETURNS text LANGUAGE sql IMMUTABLE {PINNED} "
        f"AS $$ SELECT '{prefix_literal}'::text $$",
        f"CREATE OR REPLACE FUNCTION public.workbench_is(kind text) RETURNS boolean {sql} "
        "AS $$ SELECT pg_catalog.pg_has_role(session_user, public.workbench_role_prefix() || '_' || kind, 'MEMBER') $$",
        f"CREATE OR REPLACE FUNCTION public.workbench_consensus_coder() RETURNS text {sql} "
        "AS $$ SELECT coalesce((SELECT s.value FROM public.setting s WHERE s.key = 'consensus_coder'), 'consensus') $$",
        # May the login write rows of the coder with this name / id?
        f"CREATE OR REPLACE FUNCTION public.workbench_may_write_as(who text) RETURNS boolean {sql} "
        "AS $$ SELECT who = session_user::text OR public.workbench_is('admins') "
        "OR (who = public.workbench_consensus_coder() AND public.workbench_is('reconcilers')) $$",
        f"CREATE OR REPLACE FUNCTION public.workbench_may_write_coder(cid integer) RETURNS boolean {sql} "
        "AS $$ SELECT public.workbench_is('admins') OR EXISTS (SELECT 1 FROM public.coder c WHERE c.id = cid "
        "AND public.workbench_may_write_as(c.name)) $$",
        # Every audit row gets the server's time and the login; only an admin copying a project in
        # (push) keeps the times and actors recorded at the other site.
        f"CREATE OR REPLACE FUNCTION public.workbench_audit_stamp() RETURNS trigger LANGUAGE plpgsql {PINNED} "
        f"AS $$ BEGIN IF NOT {COPYING} THEN NEW.actor := session_user; NEW.time := {SERVER_TIME}; END IF; "
        "RETURN NEW; END $$",
        # Every change writes an audit entry, so one notification per audited statement tells the
        # team's open apps to look (store/server_watch.py). Runs as the caller; pg_notify needs no
        # privilege, and a notification carries nothing but the channel's name.
        f"CREATE OR REPLACE FUNCTION public.workbench_audit_notify() RETURNS trigger LANGUAGE plpgsql {PINNED} "
        "AS $$ BEGIN PERFORM pg_catalog.pg_notify('workbench_changes', ''); RETURN NULL; END $$",
        f"CREATE OR REPLACE FUNCTION public.workbench_summary_author() RETURNS trigger LANGUAGE plpgsql {PINNED} "
        "AS $$ BEGIN IF public.workbench_is('admins') THEN RETURN NEW; END IF; "
        # A new text is the login's; moving a summary (a merge of subthemes) keeps its author.
        "IF TG_OP = 'INSERT' OR NEW.text IS DISTINCT FROM OLD.text THEN NEW.author := session_user; "
        "ELSE NEW.author := OLD.author; END IF; RETURN NEW; END $$",
        # The app's audit entries: the caller says what happened; the server says when and who.
        "CREATE OR REPLACE FUNCTION public.workbench_log(action text, entity text, entity_uuid text, detail text) "
        f"RETURNS void LANGUAGE sql VOLATILE SECURITY DEFINER {PINNED} AS $$ "
        "INSERT INTO public.audit (time, actor, action, entity, entity_uuid, detail) "
        f"VALUES ({SERVER_TIME}, session_user, action, coalesce(entity, ''), coalesce(entity_uuid, ''), "
        "coalesce(detail, '')) $$",
        # Removals and changes of a coder's own rows. The guard triggers below check each row
        # against the login's rights (OLD and NEW), so the definer's rights add nothing but the lock.
        "CREATE OR REPLACE FUNCTION public.workbench_delete(tab text, keys integer[]) RETURNS SETOF integer "
        f"LANGUAGE plpgsql VOLATILE SECURITY DEFINER {PINNED} AS $$ DECLARE k text; BEGIN "
        f"k := {_key_case()}; "
        "IF k IS NULL THEN RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', "
        "MESSAGE = format('workbench: rows of %s cannot be deleted through workbench_delete', tab); END IF; "
        "RETURN QUERY EXECUTE format('DELETE FROM public.%I WHERE %I = ANY($1) RETURNING 1', tab, k) USING keys; "
        "END $$",
        "CREATE OR REPLACE FUNCTION public.workbench_update(tab text, keys integer[], vals jsonb) "
        f"RETURNS SETOF integer LANGUAGE plpgsql VOLATILE SECURITY DEFINER {PINNED} AS $$ "
        "DECLARE k text; allowed text[]; col text; sets text := ''; BEGIN "
        f"k := {_key_case()}; allowed := {_columns_case()}; "
        "IF k IS NULL THEN RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', "
        "MESSAGE = format('workbench: rows of %s cannot be changed through workbench_update', tab); END IF; "
        "FOR col IN SELECT jsonb_object_keys(vals) LOOP "
        "IF NOT (col = ANY(allowed) OR public.workbench_is('admins')) THEN RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', "
        "MESSAGE = format('workbench: %s.%s cannot be changed through workbench_update', tab, col); END IF; "
        "sets := sets || CASE WHEN sets = '' THEN '' ELSE ', ' END || format('%I = r.%I', col, col); END LOOP; "
        "IF sets = '' THEN RETURN; END IF; "
        "RETURN QUERY EXECUTE format('UPDATE public.%I AS t SET ' || sets || ' FROM "
        "jsonb_populate_record(NULL::public.%I, $2) AS r WHERE t.%I = ANY($1) RETURNING 1', tab, tab, k) "
        "USING keys, vals; END $$",
    ]


def _key_case() -> str:
    whens = " ".join(f"WHEN '{tab}' THEN '{key}'" for tab, (key, _) in THROUGH_FUNCTIONS.items())
    return f"CASE tab {whens} END"


def _columns_case() -> str:
    whens = " ".join(f"WHEN '{tab}' THEN ARRAY[{', '.join(repr(c) for c in cols)}]::text[]"
                     for tab, (_, cols) in THROUGH_FUNCTIONS.items())
    return f"CASE tab {whens} ELSE ARRAY[]::text[] END"


# (rule on a row, whose rows they are) per owned table; {r} is "" in a policy, "OLD."/"NEW." in a trigger.
RULES = {
    "coding": ("public.workbench_may_write_coder({r}coder_id)",
               "(SELECT c.name FROM public.coder c WHERE c.id = OLD.coder_id)"),
    "nothing_applies": ("public.workbench_may_write_coder({r}coder_id)",
                        "(SELECT c.name FROM public.coder c WHERE c.id = OLD.coder_id)"),
    "coder": ("public.workbench_may_write_as({r}name)", "OLD.name"),
    "memo": ("public.workbench_may_write_as({r}author)", "OLD.author"),
    "setting": ("public.workbench_is('admins') OR (public.workbench_is('reconcilers') AND {r}key <> 'consensus_coder')",
                "'the administrators'"),
}


def apply_policies(conn: Connection, prefix: str, database: str) -> None:
    """(Re)apply every privilege, function, policy and trigger; idempotent, so init-server upgrades
    a server made by an older workbench in place (its functions are replaced, its grants revoked
    and given again)."""
    q = conn.dialect.identifier_preparer.quote_identifier
    groups = {kind: q(f"{prefix}_{kind}") for kind in KINDS}
    coders, admins = groups["coders"], groups["admins"]
    members = ", ".join(groups.values())
    db = q(database)
    run = lambda sql: conn.execute(text(sql))  # noqa: E731

    # Nothing to create: no temporary objects, no schemas, nothing in public.
    run(f"REVOKE ALL ON DATABASE {db} FROM PUBLIC, {members}")
    run(f"GRANT CONNECT ON DATABASE {db} TO {coders}")
    run(f"REVOKE ALL ON SCHEMA public FROM PUBLIC, {members}")
    run(f"GRANT USAGE ON SCHEMA public TO {coders}")
    run(f"GRANT ALL ON SCHEMA public TO {admins}")
    # Functions of older versions (unqualified, unpinned) go first: same names, new bodies.
    run("DROP FUNCTION IF EXISTS public.workbench_audit_actor() CASCADE")
    for sql in _functions(prefix.replace("'", "''")):
        run(sql)
    run(f"ALTER FUNCTION public.workbench_log(text, text, text, text) OWNER TO {admins}")
    run(f"ALTER FUNCTION public.workbench_delete(text, integer[]) OWNER TO {admins}")
    run(f"ALTER FUNCTION public.workbench_update(text, integer[], jsonb) OWNER TO {admins}")
    run(f"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC, {members}")
    run(f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {coders}")

    run(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC, {members}")
    run(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC, {members}")
    run(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {coders}")
    run(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {coders}")
    run(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {admins}")
    for kind in KINDS:
        for privileges, table in GRANTS[kind]:
            target = "ALL TABLES IN SCHEMA public" if table == "ALL" else f"public.{q(table)}"
            run(f"GRANT {privileges} ON {target} TO {groups[kind]}")

    for table, (rule, owner) in RULES.items():
        tq = f"public.{q(table)}"
        mine = rule.format(r="")
        run(f"ALTER TABLE {tq} ENABLE ROW LEVEL SECURITY")
        for name in ("workbench_read", "workbench_insert", "workbench_update", "workbench_delete"):
            run(f"DROP POLICY IF EXISTS {name} ON {tq}")
        # New rows are checked by the policies. Rows an UPDATE or DELETE touches are checked by a
        # trigger instead of a USING clause: USING silently skips another coder's rows ("DELETE 0"),
        # the trigger refuses out loud — and it also holds inside the definer functions, which
        # (as the tables' owner) row-level security does not apply to.
        run(f"CREATE POLICY workbench_read ON {tq} FOR SELECT USING (true)")
        run(f"CREATE POLICY workbench_insert ON {tq} FOR INSERT WITH CHECK ({mine})")
        run(f"CREATE POLICY workbench_update ON {tq} FOR UPDATE USING (true) WITH CHECK ({mine})")
        run(f"CREATE POLICY workbench_delete ON {tq} FOR DELETE USING (true)")
        guard = f"workbench_guard_{table}"
        refuse = ("RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = format("
                  f"'workbench: %s may not change or delete rows in {table} that belong to %s', session_user, {{who}});")
        run(f"CREATE OR REPLACE FUNCTION public.{guard}() RETURNS trigger LANGUAGE plpgsql {PINNED} AS $$ BEGIN "
            f"IF NOT ({rule.format(r='OLD.')}) THEN {refuse.format(who=owner)} END IF; "
            "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; "
            f"IF NOT ({rule.format(r='NEW.')}) THEN {refuse.format(who=owner.replace('OLD.', 'NEW.'))} END IF; "
            "RETURN NEW; END $$")
        run(f"GRANT EXECUTE ON FUNCTION public.{guard}() TO {coders}")
        run(f"DROP TRIGGER IF EXISTS {guard} ON {tq}")
        run(f"CREATE TRIGGER {guard} BEFORE UPDATE OR DELETE ON {tq} FOR EACH ROW EXECUTE FUNCTION public.{guard}()")
    run("DROP TRIGGER IF EXISTS workbench_audit_actor ON public.audit")
    run("DROP TRIGGER IF EXISTS workbench_audit_stamp ON public.audit")
    run("CREATE TRIGGER workbench_audit_stamp BEFORE INSERT ON public.audit "
        "FOR EACH ROW EXECUTE FUNCTION public.workbench_audit_stamp()")
    run("DROP TRIGGER IF EXISTS workbench_audit_notify ON public.audit")
    run("CREATE TRIGGER workbench_audit_notify AFTER INSERT ON public.audit "
        "FOR EACH STATEMENT EXECUTE FUNCTION public.workbench_audit_notify()")
    run("DROP TRIGGER IF EXISTS workbench_summary_author ON public.summary")
    run("CREATE TRIGGER workbench_summary_author BEFORE INSERT OR UPDATE ON public.summary "
        "FOR EACH ROW EXECUTE FUNCTION public.workbench_summary_author()")
