// The appliance's embedded store: one SQLite database in the state directory, in WAL mode
// with full synchronous commits, so that a crash at any point loses no committed
// transaction. Every change that the ledger records is made in the same transaction as its
// ledger entry: either both are on disk or neither is.

using Microsoft.Data.Sqlite;

namespace SecureFed.Enclave.Storage;

/// <summary>
/// The appliance's SQLite database. One connection, serialised by a lock: the appliance's
/// writes are few and small (contributions live in spool files), and one writer is what
/// SQLite allows anyway.
/// </summary>
public sealed class EnclaveDatabase : IDisposable
{
    /// <summary>The schema version this build writes and reads.</summary>
    public const int SchemaVersion = 2;

    /// <summary>File name of the database inside the state directory.</summary>
    public const string FileName = "enclave.db";

    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    private EnclaveDatabase(SqliteConnection connection)
    {
        _connection = connection;
    }

    /// <summary>
    /// Opens the database in <paramref name="stateDirectory"/>, creating it and its schema
    /// when <paramref name="create"/> is true.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The database is missing and <paramref name="create"/> is false, or its schema version
    /// is not this build's.
    /// </exception>
    public static EnclaveDatabase Open(string stateDirectory, bool create)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateDirectory);
        string path = Path.Combine(stateDirectory, FileName);
        if (!create && !File.Exists(path))
        {
            throw new InvalidOperationException(
                $"No appliance state in {stateDirectory}: run 'securefed-enclave init' first.");
        }

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Pooling = false,
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA journal_mode=WAL;");
            Execute(connection, "PRAGMA synchronous=FULL;");
            Execute(connection, "PRAGMA foreign_keys=ON;");
            var database = new EnclaveDatabase(connection);
            database.Migrate(create);
            if (create && OperatingSystem.IsLinux())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            return database;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction under the database lock; commits when
    /// it returns and rolls back when it throws.
    /// </summary>
    public T InTransaction<T>(Func<SqliteTransaction, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            T result = work(transaction);
            transaction.Commit();
            return result;
        }
    }

    /// <summary>Runs a read under the database lock.</summary>
    public T Read<T>(Func<SqliteConnection, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        lock (_gate)
        {
            return read(_connection);
        }
    }

    /// <summary>Creates a command on the connection, bound to <paramref name="transaction"/>.</summary>
    public static SqliteCommand Command(SqliteTransaction transaction, string sql)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    /// <inheritdoc />
    public void Dispose() => _connection.Dispose();

    private void Migrate(bool create)
    {
        long version = Scalar(_connection, "PRAGMA user_version;");
        if (version == SchemaVersion)
        {
            return;
        }

        if (version < 0 || version > SchemaVersion || (version == 0 && !create))
        {
            throw new InvalidOperationException(
                $"The appliance state has schema version {version}; this build reads version " +
                $"{SchemaVersion}.");
        }

        // A new database gets version 1's schema and then every upgrade, so that a created and
        // an upgraded database cannot differ.
        using var transaction = _connection.BeginTransaction();
        IEnumerable<string> statements = version == 0 ? Schema : [];
        foreach (string statement in statements.Concat(Upgrades.Skip((int)Math.Max(version, 1) - 1)))
        {
            using var command = Command(transaction, statement);
            command.ExecuteNonQuery();
        }

        using (var command = Command(transaction, $"PRAGMA user_version = {SchemaVersion};"))
        {
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    private static readonly string[] Schema =
    [
        """
        CREATE TABLE federation (
            key TEXT PRIMARY KEY,
            value BLOB NOT NULL
        ) STRICT;
        """,
        """
        CREATE TABLE participants (
            id INTEGER PRIMARY KEY,
            role TEXT NOT NULL,
            name TEXT NOT NULL,
            signing_key BLOB NOT NULL,
            certificate BLOB NOT NULL,
            certificate_signature BLOB NOT NULL,
            enrolled_ms INTEGER NOT NULL,
            ledger_index INTEGER NOT NULL,
            UNIQUE (role, name)
        ) STRICT;
        """,
        """
        CREATE TABLE ledger (
            idx INTEGER PRIMARY KEY,
            previous_hash BLOB NOT NULL,
            timestamp_ms INTEGER NOT NULL,
            kind TEXT NOT NULL,
            payload BLOB NOT NULL,
            hash BLOB NOT NULL,
            signature BLOB NOT NULL
        ) STRICT;
        """,
        """
        CREATE TABLE rounds (
            round INTEGER PRIMARY KEY,
            mode TEXT NOT NULL,
            state TEXT NOT NULL,
            settings BLOB NOT NULL,
            opened_ms INTEGER NOT NULL,
            closed_ms INTEGER,
            epsilon_after REAL,
            outcome BLOB
        ) STRICT;
        """,
        """
        CREATE TABLE contributions (
            round INTEGER NOT NULL REFERENCES rounds (round),
            client_id INTEGER NOT NULL REFERENCES participants (id),
            statement BLOB NOT NULL,
            spool_file TEXT NOT NULL,
            ledger_index INTEGER NOT NULL,
            PRIMARY KEY (round, client_id)
        ) STRICT;
        """,
        """
        CREATE TABLE ceremonies (
            ceremony_id BLOB PRIMARY KEY,
            state TEXT NOT NULL,
            setup BLOB NOT NULL,
            collective_key BLOB,
            collective_key_hash BLOB,
            opened_ms INTEGER NOT NULL
        ) STRICT;
        """,
    ];

    // Upgrades[i] takes a database from schema version i + 1 to i + 2.
    private static readonly string[] Upgrades =
    [
        // Version 2: every custodian's signed confirmation of a completed ceremony's collective
        // key (JSON), which HE rounds hand to clients (threat model S7). A ceremony completed
        // under version 1 has none, and clients refuse its key until a new ceremony is run.
        "ALTER TABLE ceremonies ADD COLUMN confirmations BLOB;",
    ];

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
