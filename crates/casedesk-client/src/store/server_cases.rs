//! Writing case states as the portal sent them: the slim inbox row in `cases`, the
//! aggregate in `case_json.server` (packed, or the portal's own frame kept byte for
//! byte) and the search text in `case_search`, and removing cases that left the
//! user's scope.
//!
//! Two paths: an initial bootstrap into an empty store knows its cases are new
//! ([`Freshness::New`]) and inserts them with row numbers of its own; everything else
//! upserts and never replaces a newer state with an older one. The inbox indexes are
//! listed here too ([`CASE_INDEXES`]), since an initial bootstrap drops them and
//! builds them once at the end. What the user sees of a case with unconfirmed
//! commands is then recomputed by `local_view`.

use std::collections::{BTreeMap, HashMap};

use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use super::LocalStore;
use super::case_row::CaseRow;
use crate::codec::{self, Codec, Dictionary};
use crate::error::{ClientError, Result};

/// Rows per multi-row statement: 19 parameters each stays far below SQLite's limit.
const ROWS_PER_STATEMENT: usize = 200;

/// A case state as the portal sent it: the row parsed from it and its JSON as stored.
#[derive(Debug, Clone)]
pub(crate) struct ServerCase {
    pub row: CaseRow,
    pub packed: Vec<u8>,
}

impl ServerCase {
    /// A case the portal sent as JSON, packed with the newest dictionary.
    pub fn parse(json: &str, codec: &Codec) -> Result<Self> {
        Ok(Self {
            row: CaseRow::from_json(json)?,
            packed: codec.pack(json),
        })
    }

    /// A case the portal sent as a frame, kept as it is once it unpacked and parsed.
    pub fn from_frame(frame: &[u8], codec: &Codec) -> Result<Self> {
        let row = codec
            .read(frame, CaseRow::from_json)
            .map_err(|e| ClientError::Protocol(format!("bootstrap: {e}")))??;
        Ok(Self {
            row,
            packed: frame.to_vec(),
        })
    }
}

/// Whether cases being written may be in the store already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Freshness {
    /// They cannot be: an initial bootstrap into an empty store, whose snapshot
    /// holds every case once.
    New,
    /// They may be (changes pages, resumed bootstraps, a rejected command's case).
    MaybeStored,
}

/// Writes portal states, never replacing a newer one with an older one, so applying
/// a page twice (or an old snapshot after a newer change) is harmless. Cases with
/// outbox entries must be rebased afterwards ([`super::rebase`]).
pub(crate) async fn write_server_cases(
    conn: &mut SqliteConnection,
    cases: &[ServerCase],
    fresh: Freshness,
) -> Result<()> {
    if fresh == Freshness::New {
        return insert_new_cases(conn, cases).await;
    }
    for chunk in cases.chunks(ROWS_PER_STATEMENT) {
        // Full chunks share their SQL text, so their prepared statements are kept;
        // a shorter last chunk is prepared once and dropped.
        let keep = chunk.len() == ROWS_PER_STATEMENT;
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO cases (id, aktenzeichen, office_id, service_id, status, open, \
             assignee, assignee_name, priority, version, server_version, seq, received_at, \
             due_date, applicant_sort, applicant_name, answered) ",
        );
        insert.push_values(chunk, |mut values, case| {
            bind_case_columns(&mut values, &case.row)
        });
        insert.push(
            " ON CONFLICT (id) DO UPDATE SET aktenzeichen = excluded.aktenzeichen, \
             office_id = excluded.office_id, service_id = excluded.service_id, \
             status = excluded.status, open = excluded.open, assignee = excluded.assignee, \
             assignee_name = excluded.assignee_name, priority = excluded.priority, \
             version = excluded.version, server_version = excluded.server_version, \
             seq = excluded.seq, \
             received_at = excluded.received_at, due_date = excluded.due_date, \
             applicant_sort = excluded.applicant_sort, applicant_name = excluded.applicant_name, \
             answered = excluded.answered WHERE excluded.seq > cases.seq \
             RETURNING row, id",
        );
        // The rows just written; an older state than the stored one was skipped and
        // is not among them, so its JSON and search text are skipped too.
        let written: Vec<(i64, String)> = insert
            .build_query_as()
            .persistent(keep)
            .fetch_all(&mut *conn)
            .await?;
        if written.is_empty() {
            continue;
        }
        let by_id: HashMap<&str, &ServerCase> =
            chunk.iter().map(|c| (c.row.id.as_str(), c)).collect();
        let rows: Vec<(i64, &ServerCase)> = written
            .iter()
            .filter_map(|(row, id)| by_id.get(id.as_str()).map(|case| (*row, *case)))
            .collect();
        let keep = rows.len() == ROWS_PER_STATEMENT;

        let mut json =
            QueryBuilder::<Sqlite>::new("INSERT OR REPLACE INTO case_json (row, server, local) ");
        json.push_values(&rows, |mut values, (row, case)| {
            values
                .push_bind(*row)
                .push_bind(case.packed.as_slice())
                .push("NULL");
        });
        json.build().persistent(keep).execute(&mut *conn).await?;

        let mut search = QueryBuilder::<Sqlite>::new(
            "INSERT OR REPLACE INTO case_search \
             (rowid, aktenzeichen, applicant, address, form, notes) ",
        );
        push_search_values(&mut search, &rows);
        search.build().persistent(keep).execute(&mut *conn).await?;
    }
    Ok(())
}

fn push_search_values<'a>(query: &mut QueryBuilder<'a, Sqlite>, rows: &[(i64, &'a ServerCase)]) {
    query.push_values(rows, |mut values, (row, case)| {
        let case = &case.row;
        values
            .push_bind(*row)
            .push_bind(case.aktenzeichen.as_str())
            .push_bind(case.search_applicant.as_str())
            .push_bind(case.search_address.as_str())
            .push_bind(case.search_form.as_str())
            .push_bind(case.search_notes.as_str());
    });
}

/// The inbox columns of `cases` after `id`, in the order the inserts name them.
fn bind_case_columns<'a>(
    values: &mut sqlx::query_builder::Separated<'_, 'a, Sqlite, &'static str>,
    case: &'a CaseRow,
) {
    // Borrowed `&str` binds without a copy (sqlx copies an owned `String` it is
    // handed by reference; SQLite copies once anyway).
    values
        .push_bind(case.id.as_str())
        .push_bind(case.aktenzeichen.as_str())
        .push_bind(case.office_id.as_str())
        .push_bind(case.service_id.as_str())
        .push_bind(case.status.as_str())
        .push_bind(case.open)
        .push_bind(case.assignee.as_deref())
        .push_bind(case.assignee_name.as_deref())
        .push_bind(case.priority.as_str())
        .push_bind(case.version)
        .push_bind(case.version)
        .push_bind(case.seq)
        .push_bind(case.received_at.as_str())
        .push_bind(case.due_date.as_str())
        .push_bind(case.applicant_sort.as_str())
        .push_bind(case.applicant_name.as_str())
        .push_bind(case.answered);
}

/// [`write_server_cases`] for cases known not to be stored (an initial bootstrap):
/// plain inserts with row numbers assigned here, so the row, its JSON and its search
/// text go to SQLite as one multi-statement request per chunk. Each request is a
/// round trip to sqlx's worker thread; with both cores busy, waiting for those round
/// trips cost the writer more than a third of its time.
async fn insert_new_cases(conn: &mut SqliteConnection, cases: &[ServerCase]) -> Result<()> {
    let last: i64 = sqlx::query_scalar("SELECT coalesce(max(row), 0) FROM cases")
        .fetch_one(&mut *conn)
        .await?;
    let rows: Vec<(i64, &ServerCase)> = (last + 1..).zip(cases).collect();
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let keep = chunk.len() == ROWS_PER_STATEMENT;
        let mut query = QueryBuilder::<Sqlite>::new(
            "INSERT INTO cases (row, id, aktenzeichen, office_id, service_id, status, open, \
             assignee, assignee_name, priority, version, server_version, seq, received_at, \
             due_date, applicant_sort, applicant_name, answered) ",
        );
        query.push_values(chunk, |mut values, (row, case)| {
            values.push_bind(*row);
            bind_case_columns(&mut values, &case.row);
        });
        query.push("; INSERT INTO case_json (row, server, local) ");
        query.push_values(chunk, |mut values, (row, case)| {
            values
                .push_bind(*row)
                .push_bind(case.packed.as_slice())
                .push("NULL");
        });
        query.push(
            "; INSERT INTO case_search (rowid, aktenzeichen, applicant, address, form, notes) ",
        );
        push_search_values(&mut query, chunk);
        query.build().persistent(keep).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Removes cases that left the user's scope. Their outbox entries stay: the portal's
/// answers to them are still owed to the user.
pub(crate) async fn remove_cases(conn: &mut SqliteConnection, ids: &[String]) -> Result<()> {
    for id in ids {
        for table in ["case_search WHERE rowid", "case_json WHERE row"] {
            sqlx::query(&format!(
                "DELETE FROM {table} = (SELECT row FROM cases WHERE id = ?)"
            ))
            .bind(id)
            .execute(&mut *conn)
            .await?;
        }
        sqlx::query("DELETE FROM cases WHERE id = ?")
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Keeps `dictionary` in the store, in the transaction of the first cases packed with
/// it (once: the same dictionary trained again is the same row).
pub(crate) async fn put_dictionary(
    conn: &mut SqliteConnection,
    dictionary: &Dictionary,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO case_dictionaries (dict_id, dictionary) VALUES (?, ?) \
         ON CONFLICT (dict_id) DO NOTHING",
    )
    .bind(i64::from(dictionary.id()))
    .bind(dictionary.bytes())
    .execute(conn)
    .await?;
    Ok(())
}

impl LocalStore {
    /// Every case aggregate's JSON as the portal last sent it, by case id (for
    /// diagnostics and tests that compare stores).
    pub async fn server_states(&self) -> Result<BTreeMap<String, String>> {
        let rows: Vec<(String, Vec<u8>)> = sqlx::query_as(
            "SELECT cases.id, case_json.server FROM cases \
             JOIN case_json ON case_json.row = cases.row",
        )
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter()
            .map(|(id, packed)| Ok((id, codec::unpack(&self.codec, &packed)?)))
            .collect()
    }
}

/// The inbox's secondary indexes on `cases`, exactly as the migrations leave them
/// (0001, and 0004 for the sort indexes, which break ties by the implicit rowid).
/// An initial bootstrap drops them and builds them once at the end: building an
/// index from sorted data is several times faster than updating it row by row.
pub(crate) const CASE_INDEXES: &[&str] = &[
    "CREATE INDEX cases_due ON cases (due_date)",
    "CREATE INDEX cases_received ON cases (received_at)",
    "CREATE INDEX cases_aktenzeichen ON cases (aktenzeichen)",
    "CREATE INDEX cases_applicant ON cases (applicant_sort)",
    "CREATE INDEX cases_open_due ON cases (open, due_date)",
    "CREATE INDEX cases_open_received ON cases (open, received_at)",
    "CREATE INDEX cases_open_applicant ON cases (open, applicant_sort)",
    "CREATE INDEX cases_status_due ON cases (status, due_date)",
    "CREATE INDEX cases_assignee_due ON cases (assignee, due_date)",
    "CREATE INDEX cases_flags ON cases (pending, rejected) WHERE pending > 0 OR rejected > 0",
];

fn index_name(statement: &str) -> &str {
    statement
        .split_whitespace()
        .nth(2)
        .expect("CREATE INDEX name ON …")
}

/// Drops the inbox indexes (before an initial bootstrap into an empty store).
pub(super) async fn drop_case_indexes(conn: &mut SqliteConnection) -> Result<()> {
    for statement in CASE_INDEXES {
        sqlx::query(&format!("DROP INDEX IF EXISTS {}", index_name(statement)))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Creates whichever inbox indexes are missing.
pub(crate) async fn create_case_indexes(conn: &mut SqliteConnection) -> Result<()> {
    for statement in CASE_INDEXES {
        let statement = statement.replacen("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1);
        sqlx::query(&statement).execute(&mut *conn).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The indexes a bootstrap rebuilds are the ones the migration made.
    #[tokio::test]
    async fn case_indexes_match_the_migration() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(&dir.path().join("casedesk.db"))
            .await
            .unwrap();
        let mut made: Vec<String> = sqlx::query_scalar(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases' \
             AND sql IS NOT NULL ORDER BY name",
        )
        .fetch_all(&store.reader)
        .await
        .unwrap();
        made.sort();
        let mut ours: Vec<String> = CASE_INDEXES.iter().map(|s| s.to_string()).collect();
        ours.sort();
        assert_eq!(made, ours);

        let mut conn = store.writer.acquire().await.unwrap();
        drop_case_indexes(&mut conn).await.unwrap();
        create_case_indexes(&mut conn).await.unwrap();
        create_case_indexes(&mut conn).await.unwrap();
        let count: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases' \
             AND sql IS NOT NULL",
        )
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        assert_eq!(count as usize, CASE_INDEXES.len());
    }

    fn server_case(seq: i64, family_name: &str) -> ServerCase {
        server_case_with_id("01a24d0b-15a5-7219-8f25-8d77117bc212", seq, family_name)
    }

    fn server_case_with_id(id: &str, seq: i64, family_name: &str) -> ServerCase {
        let json = serde_json::json!({
            "id": id,
            "aktenzeichen": "32-BP-2025-000025",
            "office_id": "01a24d0b-0854-72cb-bbe2-d9900bd414b0",
            "service_id": "BP",
            "status": "submitted",
            "priority": "normal",
            "version": seq,
            "seq": seq,
            "received_at": "2025-12-07T13:02:03Z",
            "due_date": "2025-12-22",
            "applicant": {"given_name": "Dariusz", "family_name": family_name,
                "street": "Rodenbecker Straße 77", "postal_code": "32423", "city": "Minden"},
        });
        ServerCase::parse(&json.to_string(), &Codec::default()).unwrap()
    }

    /// A portal state older than the stored one changes nothing: not the row, not
    /// its JSON, not its search text.
    #[tokio::test]
    async fn an_older_state_never_replaces_a_newer_one() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(&dir.path().join("casedesk.db"))
            .await
            .unwrap();
        let mut conn = store.writer.acquire().await.unwrap();
        write_server_cases(&mut conn, &[server_case(5, "Koch")], Freshness::MaybeStored)
            .await
            .unwrap();
        write_server_cases(&mut conn, &[server_case(3, "Alt")], Freshness::MaybeStored)
            .await
            .unwrap();
        write_server_cases(&mut conn, &[server_case(5, "Koch")], Freshness::MaybeStored)
            .await
            .unwrap();
        let (seq, applicant, packed): (i64, String, Vec<u8>) = sqlx::query_as(
            "SELECT cases.seq, cases.applicant_name, case_json.server FROM cases \
             JOIN case_json ON case_json.row = cases.row",
        )
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        assert_eq!((seq, applicant.as_str()), (5, "Dariusz Koch"));
        assert!(
            codec::unpack(store.codec(), &packed)
                .unwrap()
                .contains("\"Koch\"")
        );
        let found = |word: &'static str| {
            sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM case_search WHERE case_search MATCH ?",
            )
            .bind(word)
        };
        assert_eq!(found("Koch").fetch_one(&mut *conn).await.unwrap(), 1);
        assert_eq!(found("Alt").fetch_one(&mut *conn).await.unwrap(), 0);

        write_server_cases(&mut conn, &[server_case(7, "Neu")], Freshness::MaybeStored)
            .await
            .unwrap();
        assert_eq!(found("Neu").fetch_one(&mut *conn).await.unwrap(), 1);
        assert_eq!(found("Koch").fetch_one(&mut *conn).await.unwrap(), 0);
        let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM case_json")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(rows, 1);
    }

    /// The initial bootstrap's path writes the same rows, JSON and search text as
    /// the general one, across chunk boundaries, and the rows it numbers itself are
    /// the ones SQLite would have given.
    #[tokio::test]
    async fn new_cases_are_written_like_any_other_with_their_own_row_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(&dir.path().join("casedesk.db"))
            .await
            .unwrap();
        let mut conn = store.writer.acquire().await.unwrap();
        let count = ROWS_PER_STATEMENT + 7;
        let cases: Vec<ServerCase> = (0..count)
            .map(|i| {
                let id = format!("01a24d0b-15a5-7219-8f25-{i:012x}");
                server_case_with_id(&id, 1, &format!("Name{i}"))
            })
            .collect();
        write_server_cases(&mut conn, &cases[..10], Freshness::New)
            .await
            .unwrap();
        write_server_cases(&mut conn, &cases[10..], Freshness::New)
            .await
            .unwrap();
        let rows: Vec<(i64, String, Vec<u8>)> = sqlx::query_as(
            "SELECT cases.row, cases.id, case_json.server FROM cases \
             JOIN case_json ON case_json.row = cases.row ORDER BY cases.row",
        )
        .fetch_all(&mut *conn)
        .await
        .unwrap();
        assert_eq!(rows.len(), count);
        for (i, (row, id, packed)) in rows.iter().enumerate() {
            assert_eq!(*row, i as i64 + 1);
            assert_eq!(id, &cases[i].row.id);
            assert_eq!(packed, &cases[i].packed);
        }
        let found = |word: String| {
            sqlx::query_scalar::<_, i64>("SELECT rowid FROM case_search WHERE case_search MATCH ?")
                .bind(word)
        };
        for i in [0, 9, 10, count - 1] {
            let row = found(format!("Name{i}"))
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            assert_eq!(row, i as i64 + 1);
        }
        // Later states of the same cases go the general way and replace them.
        let newer = server_case_with_id(&cases[3].row.id, 2, "Umbenannt");
        write_server_cases(&mut conn, &[newer], Freshness::MaybeStored)
            .await
            .unwrap();
        assert_eq!(
            found("Umbenannt".into())
                .fetch_one(&mut *conn)
                .await
                .unwrap(),
            4
        );
        assert!(
            found("Name3".into())
                .fetch_optional(&mut *conn)
                .await
                .unwrap()
                .is_none()
        );
        let total: i64 = sqlx::query_scalar("SELECT count(*) FROM cases")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(total as usize, count);
    }

    /// A bootstrap frame is refused, with the reason, when its dictionary did not
    /// come first or it is no frame at all; a good one is kept byte for byte.
    #[test]
    fn bootstrap_frames_are_read_with_the_sent_dictionaries_only() {
        use casedesk_domain::frames::Dictionary;
        let samples: Vec<String> = (0..64)
            .map(|i| {
                let id = format!("01a24d0b-15a5-7219-8f25-{i:012x}");
                let case = server_case_with_id(&id, i, &format!("Name{i}"));
                codec::unpack(&Codec::default(), &case.packed).unwrap()
            })
            .collect();
        let dictionary = std::sync::Arc::new(Dictionary::train(&samples).unwrap());
        let frame = dictionary.pack(&samples[5]);
        let known = Codec::with(dictionary.clone());
        let case = ServerCase::from_frame(&frame, &known).unwrap();
        assert_eq!(case.packed, frame);
        assert_eq!(case.row.applicant_name, "Dariusz Name5");

        // A frame of an office without a dictionary is plain zstd.
        let plain = Codec::default().pack(&samples[6]);
        let case = ServerCase::from_frame(&plain, &known).unwrap();
        assert_eq!(
            (case.packed, case.row.applicant_name.as_str()),
            (plain, "Dariusz Name6")
        );

        let error = ServerCase::from_frame(&frame, &Codec::default())
            .unwrap_err()
            .to_string();
        assert!(
            error.contains(&format!("dictionary {}", dictionary.id())),
            "{error}"
        );
        let error = ServerCase::from_frame(samples[5].as_bytes(), &known)
            .unwrap_err()
            .to_string();
        assert!(error.contains("not a zstd frame"), "{error}");
        // A frame of something other than a case is refused as such.
        let error = ServerCase::from_frame(&known.pack("[1, 2]"), &known).unwrap_err();
        assert!(matches!(error, ClientError::Protocol(_)), "{error}");
    }
}
