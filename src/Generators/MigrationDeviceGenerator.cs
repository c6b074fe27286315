using System;
using System.Collections.Generic;
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
    /// <summary>The name of the pipeline step that reads each device class, for tests that check it is cached.</summary>
    public const string DeviceModelStep = "DeviceModel";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<DeviceModel> devices = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                DeviceParser.DeviceAttributeName,
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
                DeviceParser.Parse)
            .Where(static device => device is not null)
            .Select(static (device, _) => device!)
            .WithTrackingName(DeviceModelStep);

        // Field, group and structure attributes on a class without [MigrationDevice] would otherwise be silently ignored.
        IncrementalValuesProvider<DiagnosticInfo> strayFields = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                DeviceParser.FieldAttributeName,
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclaratorSyntax,
                static (context, _) => DeviceParser.CheckOutsideDevice(context, "MigrationField"))
            .Where(static diagnostic => diagnostic is not null)
            .Select(static (diagnostic, _) => diagnostic!);
        IncrementalValuesProvider<DiagnosticInfo> strayGroups = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                DeviceParser.GroupAttributeName,
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
                static (context, _) => DeviceParser.CheckOutsideDevice(context, "MigrationOptionalGroup"))
            .Where(static diagnostic => diagnostic is not null)
            .Select(static (diagnostic, _) => diagnostic!);
        IncrementalValuesProvider<DiagnosticInfo> strayStructs = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                DeviceParser.StructAttributeName,
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
                static (context, _) => DeviceParser.CheckOutsideDevice(context, "MigrationStruct"))
            .Where(static diagnostic => diagnostic is not null)
            .Select(static (diagnostic, _) => diagnostic!);
        IncrementalValueProvider<ImmutableArray<DiagnosticInfo>> strays = strayFields.Collect()
            .Combine(strayGroups.Collect())
            .Combine(strayStructs.Collect())
            .Select(static (all, _) => all.Left.Left.AddRange(all.Left.Right).AddRange(all.Right));
        context.RegisterSourceOutput(strays.Combine(context.CompilationProvider), static (output, pair) =>
        {
            foreach (DiagnosticInfo diagnostic in pair.Left)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic(pair.Right));
            }
        });

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

        context.RegisterSourceOutput(devices, static (output, device) =>
        {
            if (device.CanGenerate)
            {
                output.AddSource(device.HintName, SourceEmitter.Emit(device));
            }
        });

        // Diagnostics are reported apart from the source: they need the syntax trees (a location in a tree is what
        // editors underline and what #pragma warning disable applies to), and trees change with every edit, while the
        // generated source changes only when a declaration does.
        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> deviceDiagnostics = devices
            .Combine(baselines.Collect())
            .Select(static (pair, _) => Diagnose(pair.Left, pair.Right))
            .Where(static diagnostics => diagnostics.Count > 0);

        context.RegisterSourceOutput(deviceDiagnostics.Combine(context.CompilationProvider), static (output, pair) =>
        {
            foreach (DiagnosticInfo diagnostic in pair.Left)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic(pair.Right));
            }
        });
    }

    private static EquatableArray<DiagnosticInfo> Diagnose(DeviceModel device, ImmutableArray<BaselineFile> baselines)
    {
        var diagnostics = new List<DiagnosticInfo>(device.Diagnostics);
        foreach (BaselineFile file in baselines)
        {
            foreach (BaselineDevice baseline in file.Devices)
            {
                if (baseline.Describes(device))
                {
                    diagnostics.AddRange(BaselineChecker.Check(device, file, baseline));
                }
            }
        }

        return diagnostics.ToEquatableArray();
    }
}
