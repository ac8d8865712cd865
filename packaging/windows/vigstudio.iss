; Inno Setup script: a per-user installer for VIG Studio (no administrator rights needed).
; Built by packaging/windows/build.ps1 after PyInstaller has made dist\vigstudio\:
;   iscc /DAppVersion=0.1.0 packaging\windows\vigstudio.iss
; NOT RUN on the project's own machines (Linux); written for the hosted Windows runner of
; packaging/ci/build-installers.yml. See docs/PACKAGING.md.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define AppName "VIG Studio"
#define SourceDir "..\..\dist\vigstudio"

[Setup]
AppId={{6C1C0B8E-3F0A-4C8B-9D5E-6A1F4E2B7A10}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=VIG Studio
AppComments=Video micro-analysis for Video Interaction Guidance (offline)
; Per-user install: no UAC prompt, installs under %LOCALAPPDATA%\Programs\VIG Studio.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=VIG_Studio-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\vigstudio.ico
UninstallDisplayIcon={app}\VIG Studio.exe
LicenseFile=..\..\resources\licenses\GPL-3.0.txt
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "association"; Description: "Open .vigproj case projects with VIG Studio"; GroupDescription: "Files:"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\VIG Studio.exe"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\VIG Studio.exe"; Tasks: desktopicon

[Registry]
; HKCU only (per-user): the file type of case projects.
Root: HKCU; Subkey: "Software\Classes\.vigproj"; ValueType: string; ValueName: ""; ValueData: "VIGStudio.CaseProject"; Flags: uninsdeletevalue; Tasks: association
Root: HKCU; Subkey: "Software\Classes\VIGStudio.CaseProject"; ValueType: string; ValueName: ""; ValueData: "VIG Studio case project"; Flags: uninsdeletekey; Tasks: association
Root: HKCU; Subkey: "Software\Classes\VIGStudio.CaseProject\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\VIG Studio.exe,0"; Tasks: association
Root: HKCU; Subkey: "Software\Classes\VIGStudio.CaseProject\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\VIG Studio.exe"" open ""%1"""; Tasks: association

[Run]
Filename: "{app}\VIG Studio.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
