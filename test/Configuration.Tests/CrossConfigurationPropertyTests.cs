using System.Buffers;
using System.Globalization;
using FsCheck.Xunit;
using MigrationFormat.Testing;

namespace MigrationFormat.Configuration.Tests;

/// <summary>
/// Round trips across versions and configurations of the samples: a busy device saved in one random configuration
/// and loaded by a device of another either fails as the configuration check (first) and the compatibility checker
/// (then) predict, leaving the destination unchanged, or succeeds with every field both layouts share carrying the
/// saved value.
/// </summary>
public class CrossConfigurationPropertyTests
{
    private static readonly DeviceType[] Types = [.. SampleCatalog.DeviceTypes.Where(t => t.Parameters.Count > 0)];

    /// <summary>A random configuration string of <paramref name="type"/>: a version or none, and some parameters with values of their domains.</summary>
    internal static ConfigurationString RandomConfiguration(DeviceType type, Random random)
    {
        int? version = random.Next(4) == 0 ? null : random.Next(type.MinimumVersion, type.CurrentVersion + 1);
        var items = new List<KeyValuePair<string, string>>();
        foreach (DeviceParameter parameter in type.Parameters)
        {
            if (random.Next(2) == 0)
            {
                items.Add(new(parameter.Name, RandomValue(parameter, random)));
            }
        }

        return new ConfigurationString(version, items.OrderBy(_ => random.Next()));
    }

    internal static string RandomValue(DeviceParameter parameter, Random random)
    {
        if (parameter.Values.Count > 0)
        {
            return parameter.Values[random.Next(parameter.Values.Count)];
        }

        return parameter.Type switch
        {
            ParameterType.Bool => random.Next(2) == 0 ? "on" : "off",
            ParameterType.Integer => random.NextInt64(parameter.Minimum!.Value, parameter.Maximum!.Value + 1).ToString(CultureInfo.InvariantCulture),
            _ => new string('a', random.Next(0, 4)),
        };
    }

    [Property(MaxTest = 300)]
    public void Load_RandomConfigurationsOfASample_FollowsTheConfigurationCheckThenTheChecker(int seed)
    {
        var random = new Random(seed);
        DeviceType type = Types[random.Next(Types.Length)];
        if (!type.TryResolve(RandomConfiguration(type, random), out DeviceConfiguration? source, out _)
            || !type.TryResolve(RandomConfiguration(type, random), out DeviceConfiguration? target, out _))
        {
            return;
        }

        IDeviceState saved = SampleCatalog.CreateBusy(source);
        IDeviceState destination = type.Create(target);
        StateFingerprint before = StateFingerprint.Of(destination);
        ConfigurationCheck check = target.Check(source.ToRecord());
        CompatibilityReport verdict = CompatibilityChecker.Check(DeviceSchema.For(source), DeviceSchema.For(target));

        MigrationFormatException? error = Record.Exception(() => Load(Save(saved), destination)) as MigrationFormatException;

        string context = $"seed {seed}: {type.Id} [{source}] -> [{target}]; {string.Join("; ", check.Issues)} {string.Join("; ", verdict.Issues)}";
        if (!check.IsCompatible)
        {
            Assert.True(error is { Kind: MigrationErrorKind.ConfigurationMismatch }, context);
            Assert.Equal("configuration." + check.Issues[0].Parameter, error!.FieldPath);
            Assert.Equal(before.ToString(), StateFingerprint.Of(destination).ToString());
        }
        else if (!verdict.IsCompatible)
        {
            Assert.True(error is not null && error.Kind != MigrationErrorKind.ConfigurationMismatch, context);
            Assert.Equal(before.ToString(), StateFingerprint.Of(destination).ToString());
        }
        else
        {
            Assert.True(error is null, context + " " + error?.Message);
            StateFingerprint expected = StateFingerprint.Of(saved), after = StateFingerprint.Of(destination);
            Assert.Empty(expected.Differences(after, expected.Values.Keys.Where(after.Values.ContainsKey)));
        }
    }

    [Fact]
    public void Load_RandomConfigurations_ReachEveryOutcome()
    {
        // Guards the property against vacuity: configuration mismatches, schema breaks and loads all occur.
        var outcomes = new HashSet<string>();
        for (int seed = 0; seed < 300 && outcomes.Count < 3; seed++)
        {
            var random = new Random(seed);
            DeviceType type = Types[random.Next(Types.Length)];
            if (type.TryResolve(RandomConfiguration(type, random), out DeviceConfiguration? source, out _)
                && type.TryResolve(RandomConfiguration(type, random), out DeviceConfiguration? target, out _))
            {
                outcomes.Add(!target.Check(source.ToRecord()).IsCompatible ? "configuration"
                    : !CompatibilityChecker.Check(DeviceSchema.For(source), DeviceSchema.For(target)).IsCompatible ? "schema"
                    : "loaded");
            }
        }

        Assert.Equal(["configuration", "loaded", "schema"], outcomes.Order(StringComparer.Ordinal));
    }

    private static byte[] Save(IDeviceState device)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new MigrationStreamWriter(output))
        {
            writer.WriteDevice(device);
            writer.Complete();
        }

        return output.WrittenSpan.ToArray();
    }

    private static void Load(byte[] stream, IDeviceState device)
    {
        using var reader = new MigrationStreamReader(stream);
        reader.TryReadSection(out _);
        reader.LoadSection(device);
    }
}
