using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using SecureFed.Protocol.Identity;

namespace SecureFed.Client.Cli;

/// <summary>
/// Options shared by the <c>securefed pki</c> commands, and their checks. Values are read as
/// text and checked here, so that every bad value gets exit code 2 and a message naming the
/// option, as the other commands of SecureFed do.
/// </summary>
internal static class PkiOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print one JSON object." };

    public static Option<string> Role() => new("--role")
    {
        Description = "Participant role: client, custodian, appliance or operator.",
    };

    public static Option<string> Name() => new("--name")
    {
        Description = "Participant name: 1 to 64 of a-z, 0-9, '-' and '.'.",
    };

    public static Option<string[]> Dns() => new("--dns")
    {
        Description = "A DNS name of the appliance (repeatable); only for --role appliance.",
    };

    public static Option<string[]> Ip() => new("--ip")
    {
        Description = "An IP address of the appliance (repeatable); only for --role appliance.",
    };

    public static Option<string> Days(int defaultDays, string description) => new("--days")
    {
        Description = description,
        DefaultValueFactory = _ => defaultDays.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The value of an option that must be given.</summary>
    public static string Required(ParseResult parse, Option<string> option) =>
        parse.GetValue(option) is { Length: > 0 } value
            ? value
            : throw new UsageException($"{option.Name} is required.");

    /// <summary>The identity that --role and --name give.</summary>
    public static ParticipantIdentity Identity(
        ParseResult parse, Option<string> role, Option<string> name)
    {
        string roleText = Required(parse, role);
        if (!ParticipantIdentity.TryParseRole(roleText, out var parsedRole))
        {
            throw new UsageException(
                $"{role.Name} must be client, custodian, appliance or operator, not '{roleText}'.");
        }

        string nameText = Required(parse, name);
        if (ParticipantIdentity.NameProblem(nameText) is { } problem)
        {
            throw new UsageException($"{name.Name}: {problem}");
        }

        return new ParticipantIdentity(parsedRole, nameText);
    }

    /// <summary>A validity in days between 1 and <paramref name="max"/>.</summary>
    public static TimeSpan Validity(ParseResult parse, Option<string> days, int max)
    {
        string text = parse.GetValue(days) ?? string.Empty;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value)
            || value < 1
            || value > max)
        {
            throw new UsageException(
                $"{days.Name} must be a whole number of days from 1 to {max}, not '{text}'.");
        }

        return TimeSpan.FromDays(value);
    }

    /// <summary>The host names of --dns and --ip, allowed only for the appliance.</summary>
    public static (string[] Dns, IPAddress[] Ip) HostNames(
        ParseResult parse, Option<string[]> dns, Option<string[]> ip, ParticipantIdentity identity)
    {
        string[] names = parse.GetValue(dns) ?? [];
        string[] addressTexts = parse.GetValue(ip) ?? [];
        bool anyHost = names.Length > 0 || addressTexts.Length > 0;
        if (identity.Role != ParticipantRole.Appliance && anyHost)
        {
            throw new UsageException($"{dns.Name} and {ip.Name} are only for --role appliance.");
        }

        foreach (string name in names)
        {
            if (name.Length > 253 || Uri.CheckHostName(name) != UriHostNameType.Dns)
            {
                throw new UsageException($"{dns.Name}: '{name}' is not a valid DNS name.");
            }
        }

        var addresses = new IPAddress[addressTexts.Length];
        for (int i = 0; i < addressTexts.Length; i++)
        {
            // IPAddress.TryParse also takes shorthands such as "127.1"; a certificate names
            // only what was written out in full.
            string text = addressTexts[i];
            if (!IPAddress.TryParse(text, out var address)
                || (address.AddressFamily == AddressFamily.InterNetwork && text.Count(c => c == '.') != 3))
            {
                throw new UsageException($"{ip.Name}: '{text}' is not a valid IP address.");
            }

            addresses[i] = address;
        }

        return (names, addresses);
    }

    /// <summary>Creates a missing directory for key material, open to its owner only.</summary>
    public static void EnsurePrivateDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(
                path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
