import { method, NoInput } from './define';
import { SettingsPatchSchema, SettingsSchema } from '../settings';

export const settingsMethods = {
  'settings.get': method(NoInput, SettingsSchema, 'All user settings with defaults filled in.'),
  'settings.set': method(SettingsPatchSchema, SettingsSchema, 'Change some settings; returns all settings.'),
};

export const settingsEvents = {
  'settings.changed': SettingsSchema,
};
