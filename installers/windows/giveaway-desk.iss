; Inno Setup 6 script: a per-user installer for Giveaway Desk on Windows.
;
; Build the app first (python -m PyInstaller --noconfirm build.spec), then from
; the repository root:
;
;     iscc installers\windows\giveaway-desk.iss
;
; which writes dist\GiveawayDesk-0.1.0-setup.exe for version 0.1.0. The
; version, the file version and the product name are read from the built
; giveaway-desk.exe, whose version resource build.spec made from app.__version__,
; so installer and app can never disagree.
;
; The installer needs no administrator rights: it installs into the user's
; %LOCALAPPDATA%\Programs, adds a Start menu entry, and registers an uninstaller
; under Settings > Apps. Uninstalling keeps the user's data unless they ask for
; it to be deleted (see [Code] below).

#define SourceDir AddBackslash(SourcePath) + "..\..\dist\giveaway-desk"
#define MainExe "giveaway-desk.exe"
#define WindowedExe "GiveawayDesk.exe"
#define MainExePath AddBackslash(SourceDir) + MainExe

#if !FileExists(MainExePath)
  #error No build in dist\giveaway-desk: run PyInstaller with build.spec first.
#endif

#define AppVersion GetStringFileInfo(MainExePath, "ProductVersion")
#define AppFileVersion GetVersionNumbersString(MainExePath)
#define AppName GetStringFileInfo(MainExePath, "ProductName")

[Setup]
; The AppId ties upgrades and the uninstaller to this product; never change it.
AppId={{711AE5A2-7DCF-4FEC-9981-77F6B07C8172}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Giveaway Desk
VersionInfoVersion={#AppFileVersion}
VersionInfoProductVersion={#AppFileVersion}
VersionInfoDescription={#AppName} Setup
; Per user: no UAC prompt, and {autopf} means %LOCALAPPDATA%\Programs.
PrivilegesRequired=lowest
DefaultDirName={autopf}\Giveaway Desk
DefaultGroupName=Giveaway Desk
DisableProgramGroupPage=yes
; The PySide6 wheels and so the build are 64-bit only.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#SourceDir}\..
OutputBaseFilename=GiveawayDesk-{#AppVersion}-setup
SetupIconFile=..\..\resources\giveaway-desk.ico
UninstallDisplayIcon={app}\{#WindowedExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Close a running Giveaway Desk before replacing its files (Restart Manager).
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole one-folder build: both executables and the _internal folder.
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
; The windowed executable, so no console window opens beside the app.
Name: "{group}\Giveaway Desk"; Filename: "{app}\{#WindowedExe}"; WorkingDir: "{app}"
Name: "{group}\Giveaway Desk (demo store)"; Filename: "{app}\{#WindowedExe}"; Parameters: "--demo"; WorkingDir: "{app}"
Name: "{autodesktop}\Giveaway Desk"; Filename: "{app}\{#WindowedExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#WindowedExe}"; Description: "{cm:LaunchProgram,Giveaway Desk}"; Flags: nowait postinstall skipifsilent

[Code]
// Where the app keeps the user's data. platformdirs puts the database, the
// settings file and the logs under %LOCALAPPDATA%\GiveawayDesk (see
// app/storage/paths.py); Qt keeps window positions in the registry key below.
const
  DataFolder = '{localappdata}\GiveawayDesk';
  QtSettingsKey = 'Software\GiveawayDesk';

// Ask once, after the program files are gone, whether the data goes too. The
// default answer (Enter, or a silent uninstall) keeps it: the database holds
// the bench's packing history, which a reinstall picks up again. An
// administrator can pass /DELETEUSERDATA=yes to a silent uninstall instead.
function ShouldDeleteUserData(): Boolean;
var
  Folder: String;
begin
  Folder := ExpandConstant(DataFolder);
  if not DirExists(Folder) then
    Result := False
  else if UninstallSilent() then
    Result := CompareText(ExpandConstant('{param:DELETEUSERDATA|no}'), 'yes') = 0
  else
    Result := MsgBox(
      'Also delete this user''s Giveaway Desk data?' + #13#10 + #13#10 +
      Folder + #13#10 +
      '(the database with the packing history, settings and logs)' + #13#10 + #13#10 +
      'Choose No to keep it for a later installation. API secrets stay in ' +
      'Windows Credential Manager under entries starting with GiveawayDesk/.',
      mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep = usPostUninstall then
  begin
    if ShouldDeleteUserData() then
    begin
      DelTree(ExpandConstant(DataFolder), True, True, True);
      RegDeleteKeyIncludingSubkeys(HKCU, QtSettingsKey);
    end;
  end;
end;
