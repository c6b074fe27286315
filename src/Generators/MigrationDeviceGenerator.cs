using System;
using System.Collections.Immutable;
using MigrationFormat.Generators.Baselines;
using Microsoft.CodeAnalysis;

namespace MigrationFormat.Generators;

/// <summary>
/// Generates the migration code of every <c>[MigrationDevice]</c> class (its <c>Fields</c>, <c>Visit</c> and
/// registration) and reports the declaration's diagnostics and, for each <c>*.schema.json</c> additional file, the
/// compatibility of the declared fields with that released version.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class MigrationDeviceGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<DeviceModel> devices = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                DeviceParser.DeviceAttributeName,
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
                DeviceParser.Parse)
            .Where(static device => device is not null)!;

        IncrementalValuesProvider<BaselineFile> baselines = context.AdditionalTextsProvider
            .Where(static file => file.Path.EndsWith(BaselineDocument.Suffix, StringComparison.OrdinalIgnoreCase))
            .Select(static (file, cancellationToken) => BaselineDocument.Read(file.Path, file.GetText(cancellationToken)));

        context.RegisterSourceOutput(baselines, static (output, file) =>
        {
            if (file.Error is not null)
            {
                output.ReportDiagnostic(file.Error.ToDiagnostic());
            }
        });

        context.RegisterSourceOutput(devices.Combine(baselines.Collect()), static (output, pair) => Produce(output, pair.Left, pair.Right));
    }

    private static void Produce(SourceProductionContext output, DeviceModel device, ImmutableArray<BaselineFile> baselines)
    {
        foreach (DiagnosticInfo diagnostic in device.Diagnostics)
        {
            output.ReportDiagnostic(diagnostic.ToDiagnostic());
        }

        foreach (BaselineFile file in baselines)
        {
            foreach (BaselineDevice baseline in file.Devices)
            {
                if (string.Equals(baseline.Id, device.Id, StringComparison.Ordinal))
                {
                    foreach (DiagnosticInfo diagnostic in BaselineChecker.Check(device, file, baseline))
                    {
                        output.ReportDiagnostic(diagnostic.ToDiagnostic());
                    }
                }
            }
        }

        if (device.CanGenerate)
        {
            output.AddSource(device.HintName, SourceEmitter.Emit(device));
        }
    }
}
