package msi

import (
	"strconv"
	"strings"
	"sync"
)

// standardTables is the Windows Installer database schema of the tables
// patches and transforms most often change, in .idt notation (a trailing
// "*" marks a key column). A transform's records can only be decoded with
// the layout of the table they change; without the target database, these
// are the layouts Changes tries. Tables whose layout changed between
// installer versions list each layout, the current one first: a layout is
// used only when the whole stream decodes with it.
var standardTables = map[string][]string{
	"ActionText":                     {"Action:s72* Description:L0 Template:L0"},
	"AdminExecuteSequence":           {sequenceLayout},
	"AdminUISequence":                {sequenceLayout},
	"AdvtExecuteSequence":            {sequenceLayout},
	"AdvtUISequence":                 {sequenceLayout},
	"AppId":                          {"AppId:s38* RemoteServerName:S255 LocalService:S255 ServiceParameters:S255 DllSurrogate:S255 ActivateAtStorage:I2 RunAsInteractiveUser:I2"},
	"AppSearch":                      {"Property:s72* Signature_:s72*"},
	"BindImage":                      {"File_:s72* Path:S255"},
	"Binary":                         {"Name:s72* Data:v0"},
	"CCPSearch":                      {"Signature_:s72*"},
	"CheckBox":                       {"Property:s72* Value:S64"},
	"Class":                          {"CLSID:s38* Context:s32* Component_:s72* ProgId_Default:S255 Description:L255 AppId_:S38 FileTypeMask:S255 Icon_:S72 IconIndex:I2 DefInprocHandler:S32 Argument:S255 Feature_:s38 Attributes:I2"},
	"ComboBox":                       {"Property:s72* Order:i2* Value:s64 Text:L64"},
	"CompLocator":                    {"Signature_:s72* ComponentId:s38 Type:I2"},
	"Component":                      {"Component:s72* ComponentId:S38 Directory_:s72 Attributes:i2 Condition:S255 KeyPath:S72"},
	"Condition":                      {"Feature_:s38* Level:i2* Condition:S255"},
	"Control":                        {"Dialog_:s72* Control:s50* Type:s20 X:i2 Y:i2 Width:i2 Height:i2 Attributes:I4 Property:S72 Text:L0 Control_Next:S50 Help:L50"},
	"ControlCondition":               {"Dialog_:s72* Control_:s50* Action:s50* Condition:s255*"},
	"ControlEvent":                   {"Dialog_:s72* Control_:s50* Event:s50* Argument:s255* Condition:S255* Ordering:I2"},
	"CreateFolder":                   {"Directory_:s72* Component_:s72*"},
	"CustomAction":                   {"Action:s72* Type:i2 Source:S72 Target:S255 ExtendedType:I4", "Action:s72* Type:i2 Source:S72 Target:S255"},
	"Dialog":                         {"Dialog:s72* HCentering:i2 VCentering:i2 Width:i2 Height:i2 Attributes:I4 Title:L128 Control_First:s50 Control_Default:S50 Control_Cancel:S50"},
	"Directory":                      {"Directory:s72* Directory_Parent:S72 DefaultDir:l255"},
	"DrLocator":                      {"Signature_:s72* Parent:S72* Path:S255* Depth:I2"},
	"DuplicateFile":                  {"FileKey:s72* Component_:s72 File_:s72 DestName:L255 DestFolder:S72"},
	"Environment":                    {"Environment:s72* Name:l255 Value:L255 Component_:s72"},
	"Error":                          {"Error:i2* Message:L0"},
	"EventMapping":                   {"Dialog_:s72* Control_:s50* Event:s50* Attribute:s50"},
	"Extension":                      {"Extension:s255* Component_:s72* ProgId_:S255 MIME_:S64 Feature_:s38"},
	"Feature":                        {"Feature:s38* Feature_Parent:S38 Title:L64 Description:L255 Display:I2 Level:i2 Directory_:S72 Attributes:i2"},
	"FeatureComponents":              {"Feature_:s38* Component_:s72*"},
	"File":                           {"File:s72* Component_:s72 FileName:l255 FileSize:i4 Version:S72 Language:S20 Attributes:I2 Sequence:i4", "File:s72* Component_:s72 FileName:l255 FileSize:i4 Version:S72 Language:S20 Attributes:I2 Sequence:i2"},
	"Font":                           {"File_:s72* FontTitle:S128"},
	"Icon":                           {"Name:s72* Data:v0"},
	"IniFile":                        {"IniFile:s72* FileName:l255 DirProperty:S72 Section:l96 Key:l128 Value:l255 Action:i2 Component_:s72"},
	"IniLocator":                     {"Signature_:s72* FileName:s255 Section:s96 Key:s128 Field:I2 Type:I2"},
	"InstallExecuteSequence":         {sequenceLayout},
	"InstallUISequence":              {sequenceLayout},
	"IsolatedComponent":              {"Component_Shared:s72* Component_Application:s72*"},
	"LaunchCondition":                {"Condition:s255* Description:l255"},
	"ListBox":                        {"Property:s72* Order:i2* Value:s64 Text:L64"},
	"ListView":                       {"Property:s72* Order:i2* Value:s64 Text:L64 Binary_:S72"},
	"LockPermissions":                {"LockObject:s72* Table:s32* Domain:S255* User:s255* Permission:I4"},
	"Media":                          {"DiskId:i2* LastSequence:i4 DiskPrompt:L64 Cabinet:S255 VolumeLabel:S32 Source:S72", "DiskId:i2* LastSequence:i2 DiskPrompt:L64 Cabinet:S255 VolumeLabel:S32 Source:S72"},
	"MIME":                           {"ContentType:s64* Extension_:s255 CLSID:S38"},
	"MoveFile":                       {"FileKey:s72* Component_:s72 SourceName:L255 DestName:L255 SourceFolder:S72 DestFolder:s72 Options:i2"},
	"MsiAssembly":                    {"Component_:s72* Feature_:s38 File_Manifest:S72 File_Application:S72 Attributes:I2"},
	"MsiAssemblyName":                {"Component_:s72* Name:s255* Value:s255"},
	"MsiDigitalCertificate":          {"DigitalCertificate:s72* CertData:v0"},
	"MsiDigitalSignature":            {"Table:s32* SignObject:s72* DigitalCertificate_:s72 Hash:V0"},
	"MsiFileHash":                    {"File_:s72* Options:i2 HashPart1:i4 HashPart2:i4 HashPart3:i4 HashPart4:i4"},
	"MsiLockPermissionsEx":           {"MsiLockPermissionsEx:s72* LockObject:s72 Table:s32 SDDLText:s0 Condition:S255"},
	"MsiPatchCertificate":            {"PatchCertificate:s72* DigitalCertificate_:s72*"},
	"MsiPatchHeaders":                {"StreamRef:s38* Header:v0"},
	"MsiPatchMetadata":               {"Company:S72* Property:s72* Value:l0"},
	"MsiPatchSequence":               {"PatchFamily:s72* ProductCode:S38* Sequence:s72 Attributes:I4", "PatchFamily:s72* ProductCode:S38* Sequence:s72 Attributes:I2"},
	"MsiSFCBypass":                   {"File_:s72*"},
	"MsiServiceConfig":               {"MsiServiceConfig:s72* Name:s255 Event:i2 ConfigType:i4 Argument:S0 Component_:s72"},
	"MsiServiceConfigFailureActions": {"MsiServiceConfigFailureActions:s72* Name:s255 Event:i2 ResetPeriod:I4 RebootMessage:L255 Command:L255 Actions:S255 DelayActions:S255 Component_:s72"},
	"MsiShortcutProperty":            {"MsiShortcutProperty:s72* Shortcut_:s72 PropertyKey:s0 PropVariantValue:s0"},
	"ODBCAttribute":                  {"Driver_:s72* Attribute:s40* Value:L255"},
	"ODBCDataSource":                 {"DataSource:s72* Component_:s72 Description:s255 DriverDescription:s255 Registration:i2"},
	"ODBCDriver":                     {"Driver:s72* Component_:s72 Description:s255 File_:s72 File_Setup:S72"},
	"ODBCSourceAttribute":            {"DataSource_:s72* Attribute:s32* Value:L255"},
	"ODBCTranslator":                 {"Translator:s72* Component_:s72 Description:s255 File_:s72 File_Setup:S72"},
	"Patch":                          {"File_:s72* Sequence:i4* PatchSize:i4 Attributes:i2 Header:V0 StreamRef_:S38", "File_:s72* Sequence:i2* PatchSize:i4 Attributes:i2 Header:V0", "File_:s72* Sequence:i4* PatchSize:i4 Attributes:i2 Header:V0"},
	"PatchPackage":                   {"PatchId:s38* Media_:i2"},
	"ProgId":                         {"ProgId:s255* ProgId_Parent:S255 Class_:S38 Description:L255 Icon_:S72 IconIndex:I2"},
	"Property":                       {"Property:s72* Value:l0"},
	"PublishComponent":               {"ComponentId:s38* Qualifier:s255* Component_:s72* AppData:L255 Feature_:s38"},
	"RadioButton":                    {"Property:s72* Order:i2* Value:s64 X:i2 Y:i2 Width:i2 Height:i2 Text:L64 Help:L50"},
	"RegLocator":                     {"Signature_:s72* Root:i2 Key:s255 Name:S255 Type:I2"},
	"Registry":                       {"Registry:s72* Root:i2 Key:l255 Name:L255 Value:L0 Component_:s72"},
	"RemoveFile":                     {"FileKey:s72* Component_:s72 FileName:L255 DirProperty:s72 InstallMode:i2"},
	"RemoveIniFile":                  {"RemoveIniFile:s72* FileName:l255 DirProperty:S72 Section:l96 Key:l128 Value:L255 Action:i2 Component_:s72"},
	"RemoveRegistry":                 {"RemoveRegistry:s72* Root:i2 Key:l255 Name:L255 Component_:s72"},
	"ReserveCost":                    {"ReserveKey:s72* Component_:s72 ReserveFolder:S72 ReserveLocal:i4 ReserveSource:i4"},
	"SelfReg":                        {"File_:s72* Cost:I2"},
	"ServiceControl":                 {"ServiceControl:s72* Name:l255 Event:i2 Arguments:L255 Wait:I2 Component_:s72"},
	"ServiceInstall":                 {"ServiceInstall:s72* Name:s255 DisplayName:L255 ServiceType:i4 StartType:i4 ErrorControl:i4 LoadOrderGroup:S255 Dependencies:S255 StartName:S255 Password:S255 Arguments:S255 Component_:s72 Description:L255"},
	"Shortcut":                       {"Shortcut:s72* Directory_:s72 Name:l128 Component_:s72 Target:s72 Arguments:S255 Description:L255 Hotkey:I2 Icon_:S72 IconIndex:I2 ShowCmd:I2 WkDir:S72 DisplayResourceDLL:S255 DisplayResourceId:I2 DescriptionResourceDLL:S255 DescriptionResourceId:I2", "Shortcut:s72* Directory_:s72 Name:l128 Component_:s72 Target:s72 Arguments:S255 Description:L255 Hotkey:I2 Icon_:S72 IconIndex:I2 ShowCmd:I2 WkDir:S72"},
	"Signature":                      {"Signature:s72* FileName:s255 MinVersion:S20 MaxVersion:S20 MinSize:I4 MaxSize:I4 MinDate:I4 MaxDate:I4 Languages:S255"},
	"TextStyle":                      {"TextStyle:s72* FaceName:s32 Size:i2 Color:I4 StyleBits:I2"},
	"TypeLib":                        {"LibID:s38* Language:i2* Component_:s72* Version:I4 Description:L128 Directory_:S72 Feature_:s38 Cost:I4"},
	"UIText":                         {"Key:s72* Text:L255"},
	"Upgrade":                        {"UpgradeCode:s38* VersionMin:S20* VersionMax:S20* Language:S255* Attributes:i4* Remove:S255 ActionProperty:s72"},
	"Verb":                           {"Extension_:s255* Verb:s32* Sequence:I2 Command:L255 Argument:L255"},
	"_Validation":                    {"Table:s32* Column:s32* Nullable:s4 MinValue:I4 MaxValue:I4 KeyTable:S255 KeyColumn:I2 Category:S32 Set:S255 Description:S255"},
	// The catalog, which no _Columns row describes.
	"_Tables":  {"Name:s64*"},
	"_Columns": {"Table:s64* Number:i2* Name:s64 Type:i2"},
}

const sequenceLayout = "Action:s72* Condition:S255 Sequence:I2"

var (
	standardOnce    sync.Once
	standardLayouts map[string][][]Column
)

// StandardColumns returns the layouts of a standard Windows Installer table
// (the current one first, then older ones), or nil for a table this
// package does not know.
func StandardColumns(table string) [][]Column {
	standardOnce.Do(func() {
		standardLayouts = map[string][][]Column{}
		for name, specs := range standardTables {
			for _, spec := range specs {
				standardLayouts[name] = append(standardLayouts[name], parseLayout(spec))
			}
		}
	})
	var out [][]Column
	for _, l := range standardLayouts[table] {
		out = append(out, append([]Column(nil), l...))
	}
	return out
}

// parseLayout reads "Name:s72* Other:I2 ...": names and .idt types, "*" for
// key columns. The specs above are constants, so a malformed one panics
// in the tests.
func parseLayout(spec string) []Column {
	var cols []Column
	for i, f := range strings.Fields(spec) {
		name, typ, ok := strings.Cut(f, ":")
		if !ok {
			panic("msi: bad layout " + spec)
		}
		key := strings.HasSuffix(typ, "*")
		t, ok := parseIDTType(strings.TrimSuffix(typ, "*"))
		if !ok {
			panic("msi: bad type in layout " + spec)
		}
		if key {
			t |= TypeKey
		}
		cols = append(cols, Column{Name: name, Number: i + 1, Type: t})
	}
	return cols
}

// parseIDTType reads a column type in .idt notation (s72, L255, i2, I4,
// v0): the inverse of ColumnType.IDT, without the key flag, which .idt
// files give on their third line.
func parseIDTType(s string) (ColumnType, bool) {
	if len(s) < 2 {
		return 0, false
	}
	w, err := strconv.Atoi(s[1:])
	if err != nil || w < 0 || w > 255 {
		return 0, false
	}
	t := TypeValid
	c := s[0]
	if c >= 'A' && c <= 'Z' {
		t |= TypeNullable
		c += 'a' - 'A'
	}
	switch c {
	case 's', 'l':
		// s0/l0 are unlimited strings, told from binary by TypeNoBinary.
		t |= TypeString | TypeNoBinary | ColumnType(w)
		if c == 'l' {
			t |= TypeLocalizable
		}
	case 'i':
		if w != 2 && w != 4 {
			return 0, false
		}
		t |= ColumnType(w)
		if w == 2 {
			t |= TypeNoBinary
		}
	case 'v':
		if w != 0 {
			return 0, false
		}
		t |= TypeString
	default:
		return 0, false
	}
	return t, true
}
