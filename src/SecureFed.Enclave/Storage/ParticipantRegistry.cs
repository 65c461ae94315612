using Google.Protobuf;
using Microsoft.Data.Sqlite;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.Identity;

namespace SecureFed.Enclave.Storage;

/// <summary>
/// Enrolled clients and custodians, kept in the database and mirrored in memory for the
/// lookups every call makes.
/// </summary>
public sealed class ParticipantRegistry
{
    private readonly EnclaveDatabase _database;
    private readonly Dictionary<uint, EnrolledParticipant> _byId = [];
    private readonly Dictionary<ParticipantIdentity, EnrolledParticipant> _byIdentity = [];
    private readonly Lock _gate = new();

    /// <summary>Loads every enrolled participant from <paramref name="database"/>.</summary>
    public ParticipantRegistry(EnclaveDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        foreach (var participant in database.Read(LoadAll))
        {
            _byId[participant.Id] = participant;
            _byIdentity[participant.Identity] = participant;
        }
    }

    /// <summary>The participant enrolled under <paramref name="identity"/>, or null.</summary>
    public EnrolledParticipant? Find(ParticipantIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        lock (_gate)
        {
            return _byIdentity.GetValueOrDefault(identity);
        }
    }

    /// <summary>The participant with id <paramref name="id"/>, or null.</summary>
    public EnrolledParticipant? Find(uint id)
    {
        lock (_gate)
        {
            return _byId.GetValueOrDefault(id);
        }
    }

    /// <summary>Every participant of <paramref name="role"/>, ascending by id.</summary>
    public IReadOnlyList<EnrolledParticipant> OfRole(ParticipantRole role)
    {
        lock (_gate)
        {
            return [.. _byId.Values.Where(p => p.Identity.Role == role).OrderBy(p => p.Id)];
        }
    }

    /// <summary>The signing keys of every enrolled client, by id.</summary>
    public IReadOnlyDictionary<uint, Ed25519PublicKey> ClientKeys()
    {
        lock (_gate)
        {
            return _byId.Values
                .Where(p => p.Identity.Role == ParticipantRole.Client)
                .ToDictionary(p => p.Id, p => p.SigningKey);
        }
    }

    /// <summary>
    /// Inserts a new participant inside <paramref name="transaction"/>, with the next free id.
    /// The caller makes it visible with <see cref="Publish"/> once the transaction committed.
    /// </summary>
    public static EnrolledParticipant Insert(
        SqliteTransaction transaction,
        ParticipantIdentity identity,
        Ed25519PublicKey signingKey,
        byte[] certificate,
        byte[] certificateSignature,
        ulong ledgerIndex,
        long nowMs)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(signingKey);
        ArgumentNullException.ThrowIfNull(certificate);
        uint id = NextId(transaction);
        using var insert = EnclaveDatabase.Command(
            transaction,
            "INSERT INTO participants (id, role, name, signing_key, certificate, certificate_signature, " +
            "enrolled_ms, ledger_index) VALUES ($id, $role, $name, $key, $cert, $certsig, $now, $ledger);");
        insert.Parameters.AddWithValue("$id", (long)id);
        insert.Parameters.AddWithValue("$role", ParticipantIdentity.FormatRole(identity.Role));
        insert.Parameters.AddWithValue("$name", identity.Name);
        insert.Parameters.AddWithValue("$key", signingKey.Bytes.ToArray());
        insert.Parameters.AddWithValue("$cert", certificate);
        insert.Parameters.AddWithValue("$certsig", certificateSignature);
        insert.Parameters.AddWithValue("$now", nowMs);
        insert.Parameters.AddWithValue("$ledger", checked((long)ledgerIndex));
        insert.ExecuteNonQuery();
        return new EnrolledParticipant(id, identity, signingKey, certificate, certificateSignature, ledgerIndex);
    }

    /// <summary>The id the next <see cref="Insert"/> in <paramref name="transaction"/> assigns.</summary>
    public static uint NextId(SqliteTransaction transaction)
    {
        using var next = EnclaveDatabase.Command(
            transaction, "SELECT COALESCE(MAX(id), 0) + 1 FROM participants;");
        return checked((uint)Convert.ToInt64(next.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Makes a committed participant visible to lookups.</summary>
    public void Publish(EnrolledParticipant participant)
    {
        ArgumentNullException.ThrowIfNull(participant);
        lock (_gate)
        {
            _byId[participant.Id] = participant;
            _byIdentity[participant.Identity] = participant;
        }
    }

    /// <summary>
    /// The enrolled keys of <paramref name="participants"/>, each with the certificate and the
    /// enrollment signature that let a peer check it without trusting the appliance.
    /// </summary>
    /// <exception cref="InvalidOperationException">A participant is not enrolled.</exception>
    public IEnumerable<EnrolledKey> EnrolledKeys(IEnumerable<uint> participants)
    {
        ArgumentNullException.ThrowIfNull(participants);
        foreach (uint id in participants)
        {
            var enrolled = Find(id) ?? throw new InvalidOperationException($"Participant {id} is not enrolled.");
            yield return new EnrolledKey
            {
                ParticipantId = id,
                SigningKey = ByteString.CopyFrom(enrolled.SigningKey.Bytes.Span),
                Certificate = ByteString.CopyFrom(enrolled.Certificate),
                CertificateSignature = ByteString.CopyFrom(enrolled.CertificateSignature),
            };
        }
    }

    /// <summary>Number of enrolled participants of <paramref name="role"/>.</summary>
    public int Count(ParticipantRole role)
    {
        lock (_gate)
        {
            return _byId.Values.Count(p => p.Identity.Role == role);
        }
    }

    private static List<EnrolledParticipant> LoadAll(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT id, role, name, signing_key, certificate, certificate_signature, ledger_index " +
            "FROM participants;";
        using var reader = command.ExecuteReader();
        var all = new List<EnrolledParticipant>();
        while (reader.Read())
        {
            if (!ParticipantIdentity.TryParseRole(reader.GetString(1), out var role))
            {
                throw new InvalidDataException($"Participant {reader.GetInt64(0)} has an unknown role.");
            }

            all.Add(new EnrolledParticipant(
                checked((uint)reader.GetInt64(0)),
                new ParticipantIdentity(role, reader.GetString(2)),
                Ed25519PublicKey.Import((byte[])reader[3]),
                (byte[])reader[4],
                (byte[])reader[5],
                checked((ulong)reader.GetInt64(6))));
        }

        return all;
    }
}
