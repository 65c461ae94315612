using System.Diagnostics.CodeAnalysis;

namespace SecureFed.Protocol.Identity;

/// <summary>
/// Who a federation certificate names: a role and a name. A certificate carries it as exactly
/// one subject-alternative-name URI <c>urn:securefed:&lt;role&gt;:&lt;name&gt;</c> (RFC 5280
/// section 4.2.1.6, uniformResourceIdentifier; URN syntax of RFC 8141), and its subject common
/// name is the name.
/// </summary>
/// <remarks>
/// A name is 1 to 64 characters of lowercase ASCII letters, digits, '-' and '.', starting with
/// a letter or a digit. Names are compared exactly: the rules leave no two spellings of one
/// name, so no case folding or normalisation is needed.
/// </remarks>
public sealed record ParticipantIdentity
{
    /// <summary>The prefix that every SecureFed identity URI starts with.</summary>
    public const string UriPrefix = "urn:securefed:";

    /// <summary>The longest name allowed.</summary>
    public const int MaxNameLength = 64;

    /// <summary>Creates an identity after checking the name.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The role is not a defined value.</exception>
    /// <exception cref="ArgumentException">The name breaks the naming rules.</exception>
    public ParticipantIdentity(ParticipantRole role, string name)
    {
        if (!Enum.IsDefined(role))
        {
            throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown participant role.");
        }

        ArgumentNullException.ThrowIfNull(name);
        if (NameProblem(name) is { } problem)
        {
            throw new ArgumentException(problem, nameof(name));
        }

        Role = role;
        Name = name;
    }

    /// <summary>The role the certificate grants.</summary>
    public ParticipantRole Role { get; }

    /// <summary>The participant's name within the federation.</summary>
    public string Name { get; }

    /// <summary>Splits the identity into its role and name.</summary>
    public void Deconstruct(out ParticipantRole role, out string name)
    {
        role = Role;
        name = Name;
    }

    /// <summary>Tells whether <paramref name="name"/> follows the naming rules.</summary>
    public static bool IsValidName(string? name) => name is not null && NameProblem(name) is null;

    /// <summary>
    /// Says what is wrong with <paramref name="name"/> as a participant (or federation) name,
    /// or returns null when it is valid.
    /// </summary>
    public static string? NameProblem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or > MaxNameLength)
        {
            return $"A name must be 1 to {MaxNameLength} characters long; got {name.Length}.";
        }

        if (!IsLowerAlphanumeric(name[0]))
        {
            return $"A name must start with a lowercase letter or a digit: '{Printable(name)}'.";
        }

        foreach (char c in name)
        {
            if (!IsLowerAlphanumeric(c) && c is not ('-' or '.'))
            {
                return "A name may hold only lowercase letters, digits, '-' and '.': "
                    + $"'{Printable(name)}'.";
            }
        }

        return null;
    }

    /// <summary>The lowercase spelling of a role, as used in identity URIs and on the command line.</summary>
    public static string FormatRole(ParticipantRole role) => role switch
    {
        ParticipantRole.Client => "client",
        ParticipantRole.Custodian => "custodian",
        ParticipantRole.Appliance => "appliance",
        ParticipantRole.Operator => "operator",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown participant role."),
    };

    /// <summary>Reads a lowercase role name such as <c>custodian</c>.</summary>
    public static bool TryParseRole(string? text, out ParticipantRole role)
    {
        switch (text)
        {
            case "client":
                role = ParticipantRole.Client;
                return true;
            case "custodian":
                role = ParticipantRole.Custodian;
                return true;
            case "appliance":
                role = ParticipantRole.Appliance;
                return true;
            case "operator":
                role = ParticipantRole.Operator;
                return true;
            default:
                role = default;
                return false;
        }
    }

    /// <summary>Reads an identity URI such as <c>urn:securefed:client:st-olav</c>.</summary>
    /// <exception cref="FormatException">The text is not a valid SecureFed identity URI.</exception>
    public static ParticipantIdentity ParseUri(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return TryParseUri(uri, out var identity, out string? problem)
            ? identity
            : throw new FormatException(problem);
    }

    /// <summary>Reads an identity URI, returning false for anything that is not one.</summary>
    public static bool TryParseUri(string? uri, [NotNullWhen(true)] out ParticipantIdentity? identity) =>
        TryParseUri(uri, out identity, out _);

    /// <summary>Reads an identity URI; on failure <paramref name="problem"/> says why.</summary>
    public static bool TryParseUri(
        string? uri,
        [NotNullWhen(true)] out ParticipantIdentity? identity,
        [NotNullWhen(false)] out string? problem)
    {
        identity = null;
        if (uri is null || !uri.StartsWith(UriPrefix, StringComparison.Ordinal))
        {
            problem = $"An identity URI must start with '{UriPrefix}'.";
            return false;
        }

        string rest = uri[UriPrefix.Length..];
        int colon = rest.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            problem = $"An identity URI must have the form {UriPrefix}<role>:<name>.";
            return false;
        }

        if (!TryParseRole(rest[..colon], out var role))
        {
            problem = $"Unknown role '{Printable(rest[..colon])}' in identity URI; "
                + "expected client, custodian, appliance or operator.";
            return false;
        }

        string name = rest[(colon + 1)..];
        if (NameProblem(name) is { } nameProblem)
        {
            problem = nameProblem;
            return false;
        }

        identity = new ParticipantIdentity(role, name);
        problem = null;
        return true;
    }

    /// <summary>The identity as its URI, <c>urn:securefed:&lt;role&gt;:&lt;name&gt;</c>.</summary>
    public string ToUri() => $"{UriPrefix}{FormatRole(Role)}:{Name}";

    /// <summary>The identity URI.</summary>
    public override string ToString() => ToUri();

    private static bool IsLowerAlphanumeric(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9');

    // Echoes bad input without letting control characters or an endless string into messages.
    private static string Printable(string text)
    {
        var shown = text.Length > MaxNameLength + 16 ? text[..(MaxNameLength + 16)] + "..." : text;
        return string.Concat(shown.Select(c => char.IsControl(c) ? '?' : c));
    }
}
